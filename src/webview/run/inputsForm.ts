import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { InputFieldState, InputsFormState, RunPanelToHost } from '../../shared/runPanelProtocol';

/** What is typed into the form, kept with the form revision it belongs to (survives the panel being hidden). */
export interface InputsDraft {
  revision: number;
  values: Record<string, string>;
}

interface Host {
  post(message: RunPanelToHost): void;
  /** Called whenever a value is typed, so the page can keep the draft. */
  onDraft(draft: InputsDraft): void;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The inputs form of the run panel: one field per input, a sample-set picker, Run. The host
 * owns the form's definition; the page owns what is typed until Run, and redraws the form only
 * when the host sends a new revision, so that a snapshot during a run never wipes typing.
 */
export class InputsForm {
  private readonly panel = el<HTMLDetailsElement>('inputs-panel');
  private readonly summary = el('inputs-summary');
  private readonly fieldsEl = el('input-fields');
  private readonly message = el('inputs-message');
  private readonly setSelect = el<HTMLSelectElement>('sample-set');
  private readonly deleteSet = el<HTMLButtonElement>('delete-set');
  private readonly form = el<HTMLFormElement>('inputs-form');
  private state: InputsFormState | null = null;

  constructor(private readonly host: Host) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.run();
    });
    this.form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.run();
      }
    });
    this.form.addEventListener('input', () => this.saveDraft());
    this.form.addEventListener('change', () => this.saveDraft());
    this.setSelect.addEventListener('change', () => this.host.post({ type: 'selectSet', name: this.setSelect.value || null }));
    el('save-set').addEventListener('click', () => this.host.post({ type: 'saveSet', values: this.values() }));
    this.deleteSet.addEventListener('click', () => {
      if (this.setSelect.value) this.host.post({ type: 'deleteSet', name: this.setSelect.value });
    });
    this.fieldsEl.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.pick-file');
      if (button?.dataset.name) this.host.post({ type: 'pickFile', name: button.dataset.name, ...(button.dataset.media ? { media: true } : {}) });
    });
  }

  get hasForm(): boolean {
    return this.state !== null && this.state.fields.length > 0;
  }

  /** Shows the form; redraws the fields only for a new revision (a draft of that revision wins over its values). */
  show(form: InputsFormState | null | undefined, needsInputs: boolean, draft: InputsDraft | null): void {
    this.panel.hidden = !form;
    if (!form) return;
    if (this.state?.revision !== form.revision) {
      const values = draft && draft.revision === form.revision ? draft.values : null;
      this.drawFields(form.fields, values);
      this.drawSets(form);
    }
    this.state = form;
    const missing = new Set(form.missing);
    for (const field of this.fieldsEl.querySelectorAll<HTMLElement>('.field')) field.classList.toggle('missing', missing.has(field.dataset.input ?? ''));
    const lines = [];
    if (form.missing.length) lines.push(l10n.t('Fill in {0} before running: nothing was sent.', form.missing.map((m) => l10n.t('“{0}”', m)).join(', ')));
    if (form.problem) lines.push(form.problem);
    this.message.hidden = lines.length === 0;
    this.message.textContent = lines.join('\n');
    this.summary.textContent = [form.selectedSet ? l10n.t('sample set “{0}”', form.selectedSet) : l10n.t('defaults and typed values'), form.missing.length ? l10n.t('{0} missing', form.missing.length) : '']
      .filter(Boolean)
      .join(' · ');
    if (needsInputs || form.problem) this.panel.open = true;
    if (needsInputs) this.focusFirstMissing(form.missing);
  }

  setField(name: string, value: string, thumbnail?: string | null): void {
    const input = this.fieldsEl.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-field="${CSS.escape(name)}"]`);
    if (!input) return;
    input.value = value;
    if (thumbnail !== undefined) showThumbnail(input.closest('.field'), thumbnail, value);
    this.saveDraft();
  }

  /** The form's values by input name, as text. */
  values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const input of this.fieldsEl.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('[data-field]')) {
      const name = input.dataset.field!;
      values[name] = input instanceof HTMLInputElement && input.type === 'checkbox' ? (input.checked ? 'true' : 'false') : input.value;
    }
    return values;
  }

  run(): void {
    this.panel.open = false;
    this.host.post({ type: 'run', values: this.values() });
  }

  private saveDraft(): void {
    if (this.state) this.host.onDraft({ revision: this.state.revision, values: this.values() });
  }

  private focusFirstMissing(missing: string[]): void {
    const first = missing[0] && this.fieldsEl.querySelector<HTMLElement>(`[data-field="${CSS.escape(missing[0])}"]`);
    if (first && document.activeElement?.closest('#inputs-form') == null) first.focus();
  }

  private drawSets(form: InputsFormState): void {
    this.setSelect.replaceChildren(new Option(l10n.t('(defaults only)'), ''), ...form.sampleSets.map((name) => new Option(name, name)));
    this.setSelect.value = form.selectedSet ?? '';
    this.deleteSet.disabled = !form.selectedSet;
  }

  private drawFields(fields: InputFieldState[], draftValues: Record<string, string> | null): void {
    this.fieldsEl.replaceChildren(...fields.map((field) => this.drawField(field, draftValues?.[field.name] ?? field.value)));
    if (fields.length === 0) {
      const none = document.createElement('p');
      none.textContent = l10n.t('This prompt takes no inputs.');
      this.fieldsEl.append(none);
    }
  }

  private drawField(field: InputFieldState, value: string): HTMLElement {
    const wrapper = document.createElement('div');
    wrapper.className = 'field';
    wrapper.dataset.input = field.name;
    const id = `input-${field.name.replace(/[^\w-]/g, '_')}`;
    const head = document.createElement('div');
    head.className = 'field-head';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = field.name;
    head.append(label);
    if (field.required) head.append(span('required', l10n.t('required')));
    if (field.description) head.append(span('description', field.description));

    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (field.choices) {
      const select = document.createElement('select');
      select.append(new Option(field.defaultText ? l10n.t('(default: {0})', field.defaultText) : l10n.t('(none)'), ''), ...field.choices.map((c) => new Option(c, c)));
      input = select;
    } else if (field.type === 'boolean') {
      const checkbox = document.createElement('input');
      checkbox.type = 'checkbox';
      checkbox.checked = (value || field.defaultText) === 'true';
      input = checkbox;
    } else if (field.multiline) {
      const area = document.createElement('textarea');
      area.rows = Math.min(14, Math.max(4, value.split('\n').length + 1));
      input = area;
    } else {
      const box = document.createElement('input');
      box.type = 'text';
      if (field.type === 'number' || field.type === 'integer') box.inputMode = 'decimal';
      input = box;
    }
    input.id = id;
    input.dataset.field = field.name;
    if (!(input instanceof HTMLInputElement && input.type === 'checkbox')) input.value = value;
    if (input instanceof HTMLTextAreaElement || input instanceof HTMLInputElement) {
      const fromFile = field.type === 'string' || field.type === 'json';
      input.placeholder =
        field.defaultText !== null
          ? fromFile
            ? l10n.t('default: {0} (or @path to read a file)', field.defaultText)
            : l10n.t('default: {0}', field.defaultText)
          : field.type === 'json'
            ? l10n.t('JSON (or @path to read a file)')
            : fromFile
              ? l10n.t('value (or @path to read a file)')
              : l10n.t('value');
    }
    if (field.type === 'media') {
      if (input instanceof HTMLInputElement) input.placeholder = field.defaultText !== null ? l10n.t('default: {0}', field.defaultText) : l10n.t('an image or document in the workspace');
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'pick-file';
      pick.dataset.name = field.name;
      pick.dataset.media = 'true';
      pick.textContent = l10n.t('Choose File…');
      pick.title = l10n.t('Choose an image or document for “{0}”', field.name);
      head.append(pick);
      wrapper.append(head, input);
      showThumbnail(wrapper, field.thumbnail ?? null, value || field.defaultText || '');
      return wrapper;
    }
    if (field.type === 'string' || field.type === 'json') {
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'pick-file';
      pick.dataset.name = field.name;
      pick.textContent = l10n.t('File…');
      pick.title = l10n.t('Read “{0}” from a file (@path)', field.name);
      head.append(pick);
    }
    wrapper.append(head, input);
    return wrapper;
  }
}

/** A media field's preview: the image itself, or the document's file name. */
function showThumbnail(field: Element | null, thumbnail: string | null, value: string): void {
  if (!field) return;
  field.querySelector('.media-preview')?.remove();
  if (!thumbnail && !value) return;
  const preview = document.createElement('div');
  preview.className = 'media-preview';
  if (thumbnail && thumbnail.startsWith('data:image/')) {
    const img = document.createElement('img');
    img.className = 'thumbnail';
    img.src = thumbnail;
    img.alt = l10n.t('Preview of {0}', value);
    preview.append(img);
  } else {
    preview.append(span('document-name', value));
  }
  field.append(preview);
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}
