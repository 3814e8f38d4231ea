// A React 19 + React Router 7 shop, as the README's React section sets one up: the journey is
// created once at module level, titles are React 19 <title> elements rendered by each route
// (React Router commits them in a transition, after the URL has changed). The development build
// instead creates the journey in an effect under StrictMode (mount, unmount, mount), the pattern
// that used to fork the visitor.
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, Link, Outlet, RouterProvider, useNavigate, useParams, useSearchParams } from 'react-router'
import { createJourney, pageViews, type Journey } from 'journeykit'
import { JourneyProvider, usePhase } from 'journeykit/react'

const endpoint = document.querySelector<HTMLMetaElement>('meta[name=collector]')!.content
const options = { endpoint, touchpoints: [pageViews()], flushInterval: 300, privacySignals: 'ignore' as const }
declare global {
  interface Window {
    journey?: Journey
  }
}

function Layout() {
  const phase = usePhase()
  return (
    <>
      <nav>
        <Link to="/">home</Link> <Link to="/pricing">pricing</Link> <Link to="/products/1">product 1</Link>{' '}
        <Link to="/products/2">product 2</Link> <Link to="/search?q=shoes">shoes</Link> <Link to="/search?q=boots">boots</Link>{' '}
        <Link to="/about">about</Link>
      </nav>
      <p id="phase">{phase ?? 'unknown'}</p>
      <Outlet />
    </>
  )
}

function Page({ title, heading }: { title: string; heading: string }) {
  return (
    <main>
      <title>{`${title} - Shop`}</title>
      <h1>{heading}</h1>
    </main>
  )
}

function Product() {
  const { id } = useParams()
  return <Page title={`Product ${id}`} heading={`product ${id}`} />
}

function Search() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const q = params.get('q')
  const sort = () => navigate(`/search?q=${q}&sort=price`, { replace: true })
  return (
    <>
      <Page title={`Search ${q}`} heading={`search ${q}${params.get('sort') ? ' by price' : ''}`} />
      <button id="sort" onClick={sort}>
        sort by price
      </button>
    </>
  )
}

const routes = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Page title="Home" heading="home" /> },
      { path: 'pricing', element: <Page title="Pricing" heading="pricing" /> },
      { path: 'products/:id', element: <Product /> },
      { path: 'search', element: <Search /> },
      { path: 'about', element: <Page title="About" heading="about" /> },
    ],
  },
]
const router = createBrowserRouter(routes)
const root = createRoot(document.getElementById('root')!)

if (import.meta.env.MODE === 'development') {
  // StrictMode runs this effect, its cleanup and the effect again on mount.
  function App() {
    const [journey, setJourney] = useState<Journey>()
    useEffect(() => {
      const created = createJourney({ ...options, phases: 'default' })
      window.journey = created
      setJourney(created)
      return () => created.destroy()
    }, [])
    return journey ? (
      <JourneyProvider journey={journey} router={router}>
        <RouterProvider router={router} />
      </JourneyProvider>
    ) : null
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
} else {
  const journey = createJourney(options)
  window.journey = journey
  root.render(
    <JourneyProvider journey={journey} router={router}>
      <RouterProvider router={router} />
    </JourneyProvider>,
  )
}
