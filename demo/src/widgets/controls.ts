/** Labelled form controls, touch-sized (styles.css): sliders with their value, a seed box with a dice button, choice grids. */
import { h, newId, randomSeed } from '../dom.js';

export interface Control<T> {
  el: HTMLElement;
  get value(): T;
  set value(v: T);
  setDisabled(disabled: boolean): void;
}

export interface SliderOptions {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  hint?: string;
  /** Test/automation hook. */
  name: string;
  format?: (v: number) => string;
}

export function slider(o: SliderOptions): Control<number> {
  const id = newId(o.name);
  const input = h('input', { id, type: 'range', min: o.min, max: o.max, step: o.step, value: o.value, name: o.name });
  const format = o.format ?? String;
  const out = h('output', { for: id }, format(o.value));
  input.addEventListener('input', () => (out.textContent = format(Number(input.value))));
  const el = h('div', { class: 'field' }, h('div', { class: 'row' }, h('label', { for: id }, o.label), out), input, o.hint ? h('span', { class: 'hint' }, o.hint) : null);
  return {
    el,
    get value() {
      return Number(input.value);
    },
    set value(v: number) {
      input.value = String(v);
      out.textContent = format(Number(input.value));
    },
    setDisabled: (d) => (input.disabled = d),
  };
}

export function numberBox(o: { label: string; min: number; max: number; value: number; name: string; hint?: string }): Control<number> {
  const id = newId(o.name);
  const input = h('input', { id, type: 'number', min: o.min, max: o.max, step: 1, value: o.value, name: o.name, inputmode: 'numeric' });
  const el = h('div', { class: 'field' }, h('label', { for: id }, o.label), input, o.hint ? h('span', { class: 'hint' }, o.hint) : null);
  return {
    el,
    get value() {
      const v = Math.round(Number(input.value));
      return Math.min(o.max, Math.max(o.min, Number.isFinite(v) ? v : o.value));
    },
    set value(v: number) {
      input.value = String(v);
    },
    setDisabled: (d) => (input.disabled = d),
  };
}

/** Seed box with a dice button (a new random seed). */
export function seedBox(initial: number = randomSeed()): Control<number> {
  const id = newId('seed');
  const input = h('input', { id, type: 'number', min: 0, max: 4294967295, step: 1, value: initial, name: 'seed', inputmode: 'numeric' });
  const dice = h('button', { type: 'button', 'aria-label': 'Random seed', title: 'Random seed', name: 'dice', class: 'dice' });
  // A drawn die (no emoji font needed): a rounded square with five pips.
  dice.innerHTML =
    '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><rect x="2.5" y="2.5" width="19" height="19" rx="4" fill="none" stroke="currentColor" stroke-width="2"/><g fill="currentColor"><circle cx="8" cy="8" r="1.8"/><circle cx="16" cy="8" r="1.8"/><circle cx="12" cy="12" r="1.8"/><circle cx="8" cy="16" r="1.8"/><circle cx="16" cy="16" r="1.8"/></g></svg>';
  dice.addEventListener('click', () => (input.value = String(randomSeed())));
  const el = h('div', { class: 'field' }, h('label', { for: id }, 'Seed'), h('div', { class: 'row' }, input, dice), h('span', { class: 'hint' }, 'The same seed and settings give the same picture.'));
  return {
    el,
    get value() {
      const v = Math.floor(Number(input.value));
      return Number.isFinite(v) && v >= 0 ? v % 4294967296 : 0;
    },
    set value(v: number) {
      input.value = String(v);
    },
    setDisabled: (d) => {
      input.disabled = d;
      dice.disabled = d;
    },
  };
}

/** A grid of radio choices (big touch targets), e.g. the digit picker. `value` is the chosen option's value. */
export function choiceGrid(o: { legend: string; name: string; options: { value: string; label: string }[]; value: string }): Control<string> & { setOptions(options: { value: string; label: string }[], value: string): void } {
  const grid = h('div', { class: 'choice-grid' });
  const el = h('fieldset', { class: 'field' }, h('legend', {}, o.legend), grid);
  const group = newId(o.name);
  const render = (options: { value: string; label: string }[], value: string) => {
    grid.replaceChildren(
      ...options.map((opt) =>
        h('label', {}, h('input', { type: 'radio', name: group, value: opt.value, checked: opt.value === value, 'data-choice': o.name, 'aria-label': `${o.legend}: ${opt.label}` }), h('span', {}, opt.label)),
      ),
    );
  };
  render(o.options, o.value);
  const inputs = () => [...grid.querySelectorAll('input')];
  return {
    el,
    get value() {
      return inputs().find((i) => i.checked)?.value ?? o.value;
    },
    set value(v: string) {
      for (const i of inputs()) i.checked = i.value === v;
    },
    setDisabled: (d) => inputs().forEach((i) => (i.disabled = d)),
    setOptions: render,
  };
}

export function textBox(o: { label: string; name: string; value: string; placeholder?: string; hint?: string }): Control<string> & { input: HTMLInputElement } {
  const id = newId(o.name);
  const input = h('input', { id, type: 'text', name: o.name, value: o.value, placeholder: o.placeholder, autocomplete: 'off', spellcheck: false });
  const el = h('div', { class: 'field' }, h('label', { for: id }, o.label), input, o.hint ? h('span', { class: 'hint' }, o.hint) : null);
  return {
    el,
    input,
    get value() {
      return input.value;
    },
    set value(v: string) {
      input.value = v;
    },
    setDisabled: (d) => (input.disabled = d),
  };
}

export function selectBox(o: { label: string; name: string; options: { value: string; label: string }[]; value: string }): Control<string> & { select: HTMLSelectElement } {
  const id = newId(o.name);
  const select = h('select', { id, name: o.name }, ...o.options.map((opt) => h('option', { value: opt.value, selected: opt.value === o.value }, opt.label)));
  const el = h('div', { class: 'field' }, h('label', { for: id }, o.label), select);
  return {
    el,
    select,
    get value() {
      return select.value;
    },
    set value(v: string) {
      select.value = v;
    },
    setDisabled: (d) => (select.disabled = d),
  };
}
