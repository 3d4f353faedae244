/** DOM writes that touch the page only when the value differs (an equal write still costs a layout and a paint). */

export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el: HTMLElement, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export function setData(el: HTMLElement, key: string, value: string): void {
  if (el.dataset[key] !== value) el.dataset[key] = value;
}

export function setDisabled(control: HTMLButtonElement | HTMLSelectElement, disabled: boolean): void {
  if (control.disabled !== disabled) control.disabled = disabled;
}

export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}
