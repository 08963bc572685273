// Every page of the UI. Each is its own chunk, loaded on first visit.
// Helpers adding pages: add one line here and one link where users find it.
import type { RouteDefinition } from './lib/router.svelte';

export const routes: RouteDefinition[] = [
  { pattern: '/', load: () => import('./pages/Dashboard.svelte') },
  { pattern: '/sign-in', load: () => import('./pages/SignIn.svelte'), anonymous: true },
  { pattern: '/change-password', load: () => import('./pages/ChangePassword.svelte') },
  { pattern: '/projects/new', load: () => import('./pages/NewProject.svelte') },
  { pattern: '/projects/:slug', load: () => import('./pages/Project.svelte') },
  { pattern: '/projects/:slug/settings', load: () => import('./pages/ProjectSettings.svelte') },
  { pattern: '/projects/:slug/environments', load: () => import('./pages/Environments.svelte') },
  { pattern: '/tokens', load: () => import('./pages/Tokens.svelte') },
  { pattern: '/admin', load: () => import('./pages/Admin.svelte') },
  { pattern: '/runs/:id', load: () => import('./pages/Run.svelte') },
];
