// Placeholder: the web vitals script-tag add-on lands with the touchpoints.
export {}
