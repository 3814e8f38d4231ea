// Placeholder: the journeykit/web-vitals entry (webVitals touchpoint) lands with the touchpoints.
export {}
