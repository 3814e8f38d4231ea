// What every page of the example shop shares: the phase badge and the cart. The journeykit
// calls specific to a page are in that page, next to the button they belong to.

// The phase badge: the visitor's current journey phase, kept up to date by `journey.on('phase')`.
;(() => {
  const COLORS = { awareness: '#6366f1', consideration: '#0ea5e9', decision: '#f59e0b', retention: '#10b981', advocacy: '#ec4899' }
  const tag = document.querySelector('script[data-endpoint]')
  const badge = document.createElement('aside')
  badge.className = 'phase-badge'
  badge.setAttribute('aria-live', 'polite')
  badge.innerHTML = '<div class="label">Your journey phase</div><div class="phase">loading…</div><div class="why"></div>'
  // The example collector serves the journey map on the origin it collects on.
  const map = document.createElement('a')
  map.href = new URL('/', new URL(tag.dataset.endpoint, location.href)).href
  map.target = '_blank'
  map.textContent = 'See the journey map →'
  badge.append(map)
  document.body.append(badge)

  function show(phase, why) {
    badge.dataset.phase = phase
    badge.style.setProperty('--c', COLORS[phase] || '#5b4bdb')
    badge.querySelector('.phase').textContent = phase
    badge.querySelector('.why').textContent = why || ''
  }

  // on() can be called before journeykit has loaded: the stub queues the call and the library
  // replays it. It fires when a touchpoint on this page moves the visitor to a later phase.
  journey.on('phase', (change) => {
    show(change.to, `${change.from} → ${change.to}: ${change.reason}`)
    badge.classList.remove('changed')
    void badge.offsetWidth // restart the animation
    badge.classList.add('changed')
  })

  // journey.phase exists once the library is there (it remembers the phase across pages).
  if (typeof journey.phase === 'string') show(journey.phase)
  else tag.addEventListener('load', () => show(journey.phase))
})()

// Privacy: when the browser sends Global Privacy Control or Do Not Track, journeykit records
// nothing (its default, privacySignals: 'respect') until the visitor agrees. Keeping that answer
// is the site's job, as with any consent banner: this shop keeps it in localStorage and tells
// journeykit again on every page (through the stub, so before the library has loaded).
;(() => {
  const signal = navigator.globalPrivacyControl === true || navigator.doNotTrack === '1'
  if (!signal) return
  if (localStorage.getItem('pebble-consent') === 'granted') {
    journey.consent('granted')
    return
  }
  const notice = document.createElement('div')
  notice.className = 'why'
  notice.textContent = 'Your browser asks sites not to track you, so nothing is recorded. '
  const button = document.createElement('button')
  button.textContent = 'Record my visit for this demo'
  button.addEventListener('click', () => {
    localStorage.setItem('pebble-consent', 'granted')
    journey.consent('granted')
    notice.remove()
  })
  notice.append(button)
  document.querySelector('.phase-badge').append(notice)
})()

// The cart lives in sessionStorage: this shop has no server.
window.shop = {
  cart: () => JSON.parse(sessionStorage.getItem('cart') || 'null'),
  setCart: (item) => (item ? sessionStorage.setItem('cart', JSON.stringify(item)) : sessionStorage.removeItem('cart')),
}

// Mark the current page in the navigation.
for (const link of document.querySelectorAll('header.site nav a')) {
  if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page')
}
