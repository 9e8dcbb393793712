/**
 * Prompt templates: plain text with `{{variable}}` placeholders. A template is checked when it is saved (unknown or
 * missing variables, stray braces), so a broken one never reaches a job.
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

export interface TemplateSpec {
  /** Every variable the function provides. */
  variables: readonly string[];
  /** Variables a template must use (the function's essential input). */
  required: readonly string[];
}

export interface TemplateProblem {
  message: string;
}

export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export function checkTemplate(template: string, spec: TemplateSpec): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!template.trim()) problems.push({ message: 'the template is empty' });
  const stray = template.replace(PLACEHOLDER, '');
  if (stray.includes('{{') || stray.includes('}}')) {
    problems.push({ message: 'has "{{" or "}}" that is not a {{variable}} placeholder' });
  }
  const used = templateVariables(template);
  for (const name of used) {
    if (!spec.variables.includes(name)) {
      problems.push({
        message: `uses {{${name}}}, which this function does not provide (available: ${spec.variables.join(', ')})`,
      });
    }
  }
  for (const name of spec.required) {
    if (!used.includes(name)) problems.push({ message: `must use {{${name}}}` });
  }
  return problems;
}

/** Fills the placeholders; every variable the template uses must be given (checked at save time). */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Prompt variable {{${name}}} has no value`);
    return value;
  });
}
