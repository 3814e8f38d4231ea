// Pebble as a single-page app: history-API routing, no framework, journeykit from npm.
import { createJourney, defaults } from 'journeykit'

// --- the app -----------------------------------------------------------------------------------

const PLANS = [
  { sku: 'starter', name: 'Starter', price: 4 },
  { sku: 'pro', name: 'Pro', price: 9 },
  { sku: 'team', name: 'Team', price: 29 },
]
let cart = null
let order = null

const routes = {
  '/': {
    title: 'Pebble · notes that stay out of your way',
    html: () => `<h1>Notes that stay out of your way.</h1>
      <p class="lead">This Pebble is a single-page app: every route change below is a pushState,
      and journeykit's page views follow it.</p>
      <div class="actions"><a class="button" href="/features" data-link>See the features</a>
      <a class="button secondary" href="/pricing" data-link>Pricing</a></div>`,
  },
  '/features': {
    title: 'Features · Pebble',
    html: () => `<h1>Everything a note needs.</h1>
      <div class="grid">
        <div class="card"><h3>Instant search</h3><p>Every note, as you type.</p></div>
        <div class="card"><h3>Linked notes</h3><p>Connect ideas with a double bracket.</p></div>
        <div class="card"><h3>Works offline</h3><p>Syncs when you're back.</p></div>
      </div>
      <div class="actions"><button class="button secondary" id="video">Watch the 1-minute tour</button>
      <a class="button" href="/pricing" data-link>See pricing</a></div>`,
    bind(app) {
      app.querySelector('#video').addEventListener('click', () => {
        // Any name works: this one is not in the phase rules, so it is recorded without moving the visitor.
        journey.track('video_play', { video: 'tour', seconds: 60 })
      })
    },
  },
  '/pricing': {
    title: 'Pricing · Pebble',
    html: () => `<h1>Simple pricing</h1>
      <div class="grid">${PLANS.map((plan) => `<div class="card"><h3>${plan.name}</h3><div class="price">€${plan.price}</div>
        <button class="button" data-sku="${plan.sku}">Choose ${plan.name}</button></div>`).join('')}</div>`,
    bind(app) {
      for (const button of app.querySelectorAll('[data-sku]')) {
        button.addEventListener('click', () => {
          cart = PLANS.find((plan) => plan.sku === button.dataset.sku)
          journey.track('add_to_cart', { sku: cart.sku, price: cart.price, currency: 'EUR' })
          navigate('/checkout')
        })
      }
    },
  },
  '/checkout': {
    title: 'Checkout · Pebble',
    html: () =>
      cart
        ? `<h1>Checkout</h1><p class="lead">Pebble ${cart.name}, €${cart.price} / month.</p>
          <form id="checkout">
            <label>Email <input name="email" type="email" autocomplete="email" required></label>
            <button class="button">Subscribe</button>
          </form>`
        : `<h1>Checkout</h1><p class="lead">Nothing to pay yet. <a href="/pricing" data-link>Choose a plan</a>.</p>`,
    bind(app) {
      app.querySelector('#checkout')?.addEventListener('submit', (event) => {
        // The forms() touchpoint has already recorded form_submit (without reading the email).
        event.preventDefault()
        order = { id: `order-${Math.random().toString(36).slice(2, 8)}`, ...cart }
        cart = null
        journey.identify(`customer-${order.id.slice(6)}`)
        journey.track('purchase', { orderId: order.id, sku: order.sku, value: order.price, currency: 'EUR' })
        navigate('/thank-you')
      })
    },
  },
  '/thank-you': {
    title: 'Thank you · Pebble',
    html: () => `<h1>Thank you!</h1>
      <p class="lead">${order ? `Your Pebble ${order.name} subscription is active.` : 'See you soon.'}</p>
      <div class="actions"><button class="button" id="share">Share Pebble with a friend</button></div>
      <p class="muted" id="shared" hidden>Thanks for spreading the word!</p>`,
    bind(app) {
      app.querySelector('#share').addEventListener('click', () => {
        journey.track('share', { method: 'copy_link' })
        app.querySelector('#shared').hidden = false
      })
    },
  },
}

const notFound = { title: 'Not found · Pebble', html: () => `<h1>Not found</h1><p><a href="/" data-link>Home</a></p>` }

// --- journeykit ------------------------------------------------------------------------------

// The title first: the page view recorded at start-up reads it.
document.title = (routes[location.pathname] ?? notFound).title

// One journey for the whole app, created once at start-up. `defaults()` installs the automatic
// touchpoints: among them page views, which follow pushState/popstate by themselves, so the
// router above never calls journey.page().
const journey = createJourney({
  endpoint: document.querySelector('meta[name="journeykit-endpoint"]').content,
  touchpoints: defaults(),
})

// The phase badge: the current phase now, and every change as it happens.
const badge = document.querySelector('.phase-badge')
const COLORS = { awareness: '#6366f1', consideration: '#0ea5e9', decision: '#f59e0b', retention: '#10b981', advocacy: '#ec4899' }
function showPhase(phase, why = '') {
  badge.dataset.phase = phase
  badge.style.setProperty('--c', COLORS[phase] ?? '#0f766e')
  badge.querySelector('.phase').textContent = phase
  badge.querySelector('.why').textContent = why
}
showPhase(journey.phase)
journey.on('phase', ({ from, to, reason }) => {
  showPhase(to, `${from} → ${to}: ${reason}`)
  badge.classList.remove('changed')
  void badge.offsetWidth // restart the animation
  badge.classList.add('changed')
})


function render() {
  const route = routes[location.pathname] ?? notFound
  const app = document.getElementById('app')
  app.innerHTML = route.html()
  route.bind?.(app)
  for (const link of document.querySelectorAll('nav a')) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
}

function navigate(path) {
  if (path === location.pathname) return
  // The title first: the page view that pushState triggers records the new page's title.
  document.title = (routes[path] ?? notFound).title
  history.pushState(null, '', path)
  render()
  window.scrollTo(0, 0)
}

// Internal links go through the router instead of loading a page.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-link]')
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
  event.preventDefault()
  navigate(link.pathname)
})
window.addEventListener('popstate', () => {
  document.title = (routes[location.pathname] ?? notFound).title
  render()
})

render()
