// A Vue 3 + vue-router 4 shop, as the README's Vue section sets one up: the journey is created at
// module level (before the router has resolved the first route), titles are set in
// router.afterEach, the plugin gets the router for route templates.
import { createApp, defineComponent, h } from 'vue'
import { createRouter, createWebHistory, useRoute, useRouter } from 'vue-router'
import { createJourney, pageViews } from 'journeykit'
import { journeyPlugin } from 'journeykit/vue'
import App from './App.vue'

const endpoint = document.querySelector<HTMLMetaElement>('meta[name=collector]')!.content
const journey = createJourney({ endpoint, touchpoints: [pageViews()], flushInterval: 300, privacySignals: 'ignore' })
;(window as { journey?: unknown }).journey = journey

const page = (heading: () => string) => defineComponent({ setup: () => () => h('main', [h('h1', heading())]) })
const Product = defineComponent({
  setup() {
    const route = useRoute()
    return () => h('main', [h('h1', `product ${route.params.id}`)])
  },
})
const Search = defineComponent({
  setup() {
    const route = useRoute()
    const router = useRouter()
    const sort = () => router.replace({ query: { ...route.query, sort: 'price' } })
    return () => h('main', [h('h1', `search ${route.query.q}${route.query.sort ? ' by price' : ''}`), h('button', { id: 'sort', onClick: sort }, 'sort by price')])
  },
})

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: page(() => 'home'), meta: { title: () => 'Home' } },
    { path: '/pricing', component: page(() => 'pricing'), meta: { title: () => 'Pricing' } },
    { path: '/products/:id', component: Product, meta: { title: (to: { params: { id?: unknown } }) => `Product ${to.params.id}` } },
    { path: '/search', component: Search, meta: { title: (to: { query: { q?: unknown } }) => `Search ${to.query.q}` } },
    { path: '/about', component: page(() => 'about'), meta: { title: () => 'About' } },
  ],
})
router.afterEach((to) => {
  document.title = `${(to.meta.title as (route: typeof to) => string)(to)} - Shop`
})

createApp(App).use(router).use(journeyPlugin, { journey, router }).mount('#app')
