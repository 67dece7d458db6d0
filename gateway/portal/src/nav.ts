// The pages the shell's navigation lists, as [path, label]: main.tsx's
// Shell and the first paint before React (first.ts) draw the same links.
export const nav: [string, string][] = [
  ['/', 'Overview'],
  ['/environments', 'Environments'],
  ['/apps', 'Apps'],
  ['/clusters', 'Clusters'],
  ['/devices', 'Devices'],
  ['/policies', 'Policies'],
  ['/audit', 'Audit trail'],
  ['/network', 'Network map'],
  ['/members', 'Members & tokens'],
];

// current says whether href is the page at path, for aria-current.
export function current(href: string, path: string): boolean {
  return href === '/' ? path.split('?')[0] === '/' : path.startsWith(href) || (href === '/apps' && path.startsWith('/apps/'));
}
