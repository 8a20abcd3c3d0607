import { searchTarget } from './search-target';

/** Every `form.search` on the page goes straight to the page its query names, or says why it cannot. */
export const enableSearchForms = (): void => {
  for (const form of document.querySelectorAll<HTMLFormElement>('form.search')) {
    const input = form.querySelector<HTMLInputElement>('input[name="q"]')!;
    const message = form.querySelector<HTMLElement>('.search-message')!;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = searchTarget(input.value);
      if ('href' in target) {
        window.location.assign(target.href);
        return;
      }
      message.textContent = target.error;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    });
    input.addEventListener('input', () => {
      message.textContent = '';
      input.removeAttribute('aria-invalid');
    });
  }
};
