export type Child = Node | string | number | null | undefined | false | Child[];
type Attributes = Record<string, string | number | boolean | null | undefined>;

const nodesOf = (children: Child[]): (Node | string)[] =>
  children.flatMap((child): (Node | string)[] => {
    if (child === null || child === undefined || child === false) return [];
    if (Array.isArray(child)) return nodesOf(child);
    return [child instanceof Node ? child : String(child)];
  });

/** Creates an element with attributes (`false`/`null`/`undefined` leave one out) and children (arrays are flattened). */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...nodesOf(children));
  return element;
};

/** The page's main landmark. */
export const mainRegion = (): HTMLElement => document.getElementById('main')!;

/** Replaces a region's content, and marks it as no longer loading. */
export const show = (region: HTMLElement, ...content: Child[]): void => {
  region.replaceChildren(...nodesOf(content));
  region.removeAttribute('aria-busy');
};
