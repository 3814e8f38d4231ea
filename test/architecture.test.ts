/**
 * The shape of src/, checked: no function longer than 150 lines, no import cycle (type-only
 * imports count: a cycle of types is still two modules that cannot be read one at a time), and
 * every source module with a test file of its own in the mirrored place under test/.
 *
 * The TypeScript compiler reads the files; nothing is executed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

const root = resolve(__dirname, '..')
const src = join(root, 'src')
const MAX_FUNCTION_LINES = 150

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

const files = sourceFiles(src)
const parsed = new Map(files.map((file) => [file, ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)]))
const name = (file: string) => relative(root, file)

/** Functions of more than MAX_FUNCTION_LINES lines, as `file:line name (N lines)`. */
function longFunctions(file: ts.SourceFile): string[] {
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line
      const lines = end - start + 1
      if (lines > MAX_FUNCTION_LINES) {
        const label = node.name?.getText(file) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(file) : '(anonymous)')
        found.push(`${name(file.fileName)}:${start + 1} ${label} (${lines} lines)`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

/** The src/ modules a file imports or re-exports from, type-only imports included. */
function imports(file: ts.SourceFile): string[] {
  const targets: string[] = []
  for (const statement of file.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined
    if (!specifier?.startsWith('.')) continue
    const base = resolve(dirname(file.fileName), specifier)
    const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => parsed.has(candidate))
    if (target) targets.push(target)
  }
  return targets
}

/** Every import cycle, each as the chain of files that closes it. */
function cycles(): string[] {
  const graph = new Map([...parsed].map(([file, source]) => [file, imports(source)]))
  const found = new Set<string>()
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const walk = (file: string) => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.add([...path.slice(path.indexOf(next)), next].map(name).join(' → '))
      else if (!state.has(next)) walk(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) walk(file)
  return [...found]
}

/**
 * Modules that are only types, declarations or entry points re-exporting others: what they hold
 * is tested where it is used. Besides the patterns by name, src/script/iife.ts only calls
 * `install()`: test/script/install.test.ts loads it.
 */
const WITHOUT_OWN_TEST =
  /(^|\/)(types|globals\.d|index)\.ts$|^src\/(b2b|segment|web-vitals)\.ts$|^src\/phases\/presets\/|^src\/phases\/words\/|^src\/script\/iife\.ts$/

describe('the shape of src/', () => {
  test(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    expect([...parsed.values()].flatMap(longFunctions)).toEqual([])
  })

  test('no import cycle, type-only imports included', () => {
    expect(cycles()).toEqual([])
  })

  test('every module has its test file in the mirrored place', () => {
    const missing = files
      .map(name)
      .filter((file) => !WITHOUT_OWN_TEST.test(file))
      .filter((file) => !existsSync(join(root, file.replace(/^src\//, 'test/').replace(/\.tsx?$/, '.test.ts'))))
    expect(missing).toEqual([])
  })
})
