declare const entries: Array<{ name: string; path: string; import?: string; limit: string }>
export default entries
