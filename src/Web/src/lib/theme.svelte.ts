// Light or dark: the system's choice until the user picks one (kept in localStorage; it holds nothing secret).
const stored = localStorage.getItem('comet.theme');
const system = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

export const theme = $state({ current: stored === 'dark' || stored === 'light' ? stored : system });
document.documentElement.dataset.theme = theme.current;

export function toggleTheme() {
  theme.current = theme.current === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = theme.current;
  localStorage.setItem('comet.theme', theme.current);
}
