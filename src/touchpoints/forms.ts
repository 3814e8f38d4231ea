/**
 * `forms()`: form submissions, and opt-in form starts and abandons, without reading any value.
 */
import type { Touchpoint, TouchpointContext, Props } from '../types'
import { listeners, scrubbedUrl } from './shared'

/** Options for {@link forms}. */
export interface FormsOptions {
  /**
   * Also record `form_start` when the visitor first changes a field of a form.
   * @default false
   */
  start?: boolean
  /**
   * Also record `form_abandon` for forms the visitor started and left without submitting
   * (when the page is hidden or left).
   * @default false
   */
  abandon?: boolean
  /**
   * Add `fieldNames` (the `name` or `id` of each field) to the events. Password, hidden and
   * payment fields (`autocomplete="cc-…"`) and fields whose name looks like a secret are never
   * listed, whatever this says.
   * @default false
   */
  fieldNames?: boolean
}

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/**
 * Password, hidden, payment and one-time-code fields, and names that say card, PIN, SSN, secret,
 * …: never touched. One test over `type autocomplete name` (type="password" and
 * autocomplete="new-password" both say "pass").
 */
const isSensitive = (field: Field): boolean =>
  /^hidden |\bcc-|one-time|pass|pwd|card|cc[-_]?num|cvc|cvv|csc|ssn|iban|secret|token| pin$/i.test(
    `${field.type} ${field.getAttribute('autocomplete')} ${field.name}`,
  )

/**
 * Controls the visitor fills in: not buttons, hidden fields, fieldsets or outputs (whose `type`
 * says so). Their values are never read.
 */
const fieldsOf = (form: HTMLFormElement): Field[] =>
  [].filter.call(form.elements, (field: Field) => !/^(hidden|submit|button|reset|image|fieldset|output|)$/.test(field.type))

interface Started {
  /** When the first field changed (ms since epoch). */
  at: number
  touched: Set<Field>
  /** A `form_abandon` was already recorded for it. */
  told?: boolean
}

/**
 * Records `form_submit` on every real submission (the `submit` event, and `form.submit()` from
 * script) with `formId`, `formName`, `action` (the scrubbed path, or host and path when it is
 * another site), `method` and `fields` (how many fields the visitor can fill in). Field values
 * are never read. With `start`/`abandon`, also `form_start` on the first change of a field and
 * `form_abandon` (with `touched` fields and `duration` in ms) when the page is left with a
 * started form unsent. A form with `data-journey-ignore` is left out entirely.
 *
 * @example
 * createJourney({ endpoint: '/collect', touchpoints: [forms({ start: true, abandon: true })] })
 */
export function forms(options: FormsOptions = {}): Touchpoint {
  const { start, abandon, fieldNames } = options
  // The script tag installs forms() as defaults() does, with no way to pass these options: its
  // build (`__SCRIPT_TAG__`) leaves their code out.
  const started = new Map<HTMLFormElement, Started>()
  let ctx: TouchpointContext

  /** What every form event says about its form: structure only. */
  const describe = (form: HTMLFormElement, extra?: Props): Props => {
    // Attributes, not properties: a field named "id" or "action" shadows `form.id`/`form.action`.
    const attribute = (name: string) => form.getAttribute(name) || undefined
    // No action (or an empty one) submits to the page itself.
    const action = scrubbedUrl(ctx, attribute('action') || location.href)
    const fields = fieldsOf(form)
    const props: Props = {
      formId: attribute('id'),
      formName: attribute('name'),
      action: (action.host === location.host ? '' : action.host) + action.pathname,
      method: (attribute('method') || 'get').toLowerCase(),
      fields: fields.length,
      ...extra,
    }
    if (!__SCRIPT_TAG__ && fieldNames) {
      props.fieldNames = [
        ...new Set(fields.filter((field) => !isSensitive(field)).map((field) => field.getAttribute('name') || field.id)),
      ].filter(Boolean)
    }
    return props
  }
  const progress = (state: Started): Props => ({ touched: state.touched.size, duration: Date.now() - state.at })

  return {
    name: 'forms',
    setup(context) {
      ctx = context
      const { on, wrap, off } = listeners(ctx, 'forms')
      /** Forms whose submit event was seen: a `form.submit()` from their handler is the same submission. */
      const submitting = new WeakSet<HTMLFormElement>()
      const submitted = (form: HTMLFormElement): void => {
        if (form.hasAttribute('data-journey-ignore')) return
        const state = started.get(form)
        started.delete(form)
        ctx.track('form_submit', describe(form, state && progress(state)))
      }
      on(document, 'submit', (event: SubmitEvent) => {
        const form = event.target
        if (form instanceof HTMLFormElement) {
          submitting.add(form)
          submitted(form)
        }
      })
      // `form.submit()` fires no submit event: the only way to see forms sent by script.
      wrap(HTMLFormElement.prototype, 'submit', (form: HTMLFormElement) => submitting.delete(form) || submitted(form))
      if (!__SCRIPT_TAG__ && (start || abandon)) {
        on(document, 'input change', (event: Event) => {
          const field = event.target as Field
          const form = field.form
          if (!form || isSensitive(field) || form.hasAttribute('data-journey-ignore')) return
          let state = started.get(form)
          if (!state) {
            started.set(form, (state = { at: Date.now(), touched: new Set() }))
            if (start) ctx.track('form_start', describe(form))
          }
          state.touched.add(field)
        })
      }
      return () => {
        off()
        started.clear()
      }
    },
    onHide() {
      if (__SCRIPT_TAG__ || !abandon) return
      // Hidden is the last moment a mobile browser surely gives us. If the visitor comes back
      // and submits, a form_submit follows the form_abandon.
      for (const [form, state] of started) {
        if (!state.told) ctx.track('form_abandon', describe(form, progress(state)))
        state.told = true
      }
    },
  }
}
