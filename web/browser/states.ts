import { h, show } from './dom';

interface State {
  /** Also the document title. */
  title: string;
  message: string;
  /** A short code the tests and a reader can both see: not-found, gone, unreachable, no-scores. */
  kind: string;
  action?: HTMLElement;
}

const showState = (region: HTMLElement, { title, message, kind, action }: State): void => {
  document.title = `${title} · Sway`;
  show(
    region,
    h(
      'section',
      { class: 'state', 'data-state': kind, 'aria-labelledby': 'state-title' },
      h('h1', { id: 'state-title' }, title),
      h('p', {}, message),
      action ?? h('p', {}, h('a', { href: '/' }, 'Back to all topics')),
    ),
  );
  region.focus();
};

export const showNotFound = (region: HTMLElement, what: string, message: string): void =>
  showState(region, { kind: 'not-found', title: `${what} not found`, message });

export const showOptedOut = (region: HTMLElement, account: string): void =>
  showState(region, {
    kind: 'gone',
    title: 'This account opted out',
    message: `${account} asked to be left out of Sway. Its scores, its history and what it contributed to other accounts' scores are removed by the next recompute at the latest, and Sway ignores it from now on.`,
  });

export const showUnreachable = (region: HTMLElement): void => {
  const retry = h('button', { type: 'button' }, 'Try again');
  retry.addEventListener('click', () => window.location.reload());
  showState(region, {
    kind: 'unreachable',
    title: 'Sway cannot be reached right now',
    message: 'The page loaded, but the Sway API did not answer. It may be restarting; try again in a moment.',
    action: h('p', {}, retry),
  });
};

export const showRefused = (region: HTMLElement, detail: string, retryHref: string): void =>
  showState(region, { kind: 'refused', title: 'That did not work', message: detail, action: h('p', {}, h('a', { href: retryHref }, 'Start again')) });

/** Before the first recompute there are no boards yet: say so, where a list would be. */
export const noScoresYet = (): HTMLElement =>
  h(
    'p',
    { class: 'empty', 'data-state': 'no-scores' },
    'No scores yet. Sway computes them from the interactions it has received at its next recompute (every minute with npm start); this page will fill in then.',
  );
