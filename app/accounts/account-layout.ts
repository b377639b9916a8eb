import { html, SafeHtml } from '../tickets/html.ts';

/** A field and its problem, as the domain reports it (WOW_ERR_ACCOUNT_INPUT's `data.errors`). */
export interface FieldProblem {
  field: string;
  message: string;
}

// The support form's look (app/tickets/support-form-page.ts), with a header and buttons of a second kind.
const style = `body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:0 1rem 2rem;color:#1b1b1b}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:2px solid #0b0c0c;padding:.75rem 0;margin-bottom:1.5rem}
header a{color:#1b1b1b;font-weight:700;text-decoration:none}header form{margin:0}
label,legend{display:block;font-weight:600;margin-top:1.25rem}.hint{color:#505a5f;margin:0}
input,select{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid #0b0c0c;margin-top:.25rem}
[aria-invalid=true]{border-color:#d4351c}.error{color:#d4351c;font-weight:600;margin:.25rem 0 0}
.summary{border:4px solid #d4351c;padding:1rem;margin-bottom:1rem}.summary a{color:#d4351c}
.notice{border-left:6px solid #00703c;background:#f3f2f1;padding:.75rem 1rem}
button,.button{display:inline-block;margin-top:1.5rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;background:#00703c;color:#fff;border:0;text-decoration:none;cursor:pointer}
.secondary{background:#505a5f}.link{background:none;color:#1d70b8;padding:0;margin:0;text-decoration:underline;font-weight:400}
a{color:#1d70b8}table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
td form{display:inline-flex;gap:.5rem;align-items:center;margin:0}td select{width:auto;margin:0}td button{margin:0;padding:.3rem .7rem}
fieldset{border:0;padding:0;margin:0}.choice{display:flex;gap:.5rem;align-items:center;margin-top:.5rem}
.choice input{width:1.25rem;height:1.25rem;margin:0}.choice label{margin:0;font-weight:400}
:focus-visible{outline:3px solid #fd0;outline-offset:0}body.wide{max-width:72rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
// Ours, not anyone's input, and free of markup: trusted as it is.
const styleSheet = new SafeHtml(style);

/** Who is signed in, for the header: a customer or an operator, with the sign-out form's CSRF token. */
export type Signed = { name: string; signOut: string; csrf: string } | undefined;

/** `wide`: a dashboard's tables, not a form's column. */
export function accountPage(title: string, main: SafeHtml, signed?: Signed, opts: { wide?: boolean } = {}): string {
  const header = html`<header>
<a href="${signed?.signOut === '/ops/sign-out' ? '/ops' : '/account'}">WAOOAW</a>
${
  signed === undefined
    ? html`<a href="/login">Sign in</a>`
    : html`<form method="post" action="${signed.signOut}"><input type="hidden" name="_csrf" value="${signed.csrf}"><span>${signed.name}</span> <button type="submit" class="link">Sign out</button></form>`
}
</header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – WAOOAW</title>
<style>${styleSheet}</style>
</head>
<body${opts.wide === true && html` class="wide"`}>
${header}
<main>
${main}
</main>
</body>
</html>
`.text;
}

/** The error summary at the top of a form that came back: a link to each field at fault. */
export function errorSummary(errors: FieldProblem[]): SafeHtml | false {
  return (
    errors.length > 0 &&
    html`<div class="summary" role="alert" aria-labelledby="summary-title" tabindex="-1" id="error-summary">
<h2 id="summary-title">There is a problem</h2>
<ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`
  );
}

export interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  type: 'email' | 'text' | 'password' | 'url';
  autocomplete: string;
}

/** A labelled input with its hint and error, described for screen readers; a password is never shown again. */
export function field(f: FieldSpec, value: string, errors: FieldProblem[]): SafeHtml {
  const error = errors.find((e) => e.field === f.name)?.message;
  const described = [
    f.hint === undefined ? undefined : `${f.name}-hint`,
    error === undefined ? undefined : `${f.name}-error`,
  ]
    .filter((id) => id !== undefined)
    .join(' ');
  return html`<div>
<label for="${f.name}">${f.label}</label>
${f.hint !== undefined && html`<p class="hint" id="${f.name}-hint">${f.hint}</p>`}
${error !== undefined && html`<p class="error" id="${f.name}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
<input type="${f.type}" id="${f.name}" name="${f.name}" autocomplete="${f.autocomplete}" required aria-required="true"${error !== undefined && html` aria-invalid="true"`}${described !== '' && html` aria-describedby="${described}"`}${f.type !== 'password' && html` value="${value}"`}>
</div>
`;
}

/** The hidden field every state-changing form carries (@fastify/csrf-protection reads `_csrf`). */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${token}">`;

/** `Error: ` before the title when the form came back with problems, as the support form does. */
export const titleOf = (title: string, errors: FieldProblem[]): string =>
  `${errors.length > 0 ? 'Error: ' : ''}${title}`;
