import type { FastifyReply } from 'fastify';
import { html, SafeHtml } from '../tickets/html.ts';
import { csrfField } from '../accounts/account-layout.ts';

// The accounts' look (app/accounts/account-layout.ts), as wide as the marketplace's for tables of figures.
const style = `body{font:1rem/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:0 1rem 2rem;color:#1b1b1b}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;border-bottom:2px solid #0b0c0c;padding:.75rem 0;margin-bottom:1.5rem}
header a{color:#1b1b1b;text-decoration:none}.brand{font-weight:700}nav a{margin-left:1rem}header form{margin:0}
a{color:#1d70b8}h1{margin:.5rem 0}h2{margin-top:2rem}.hint{color:#505a5f;margin:.25rem 0}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fd0;padding:.5rem}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:1rem;margin:0}.figures div{border-left:4px solid #1d70b8;padding-left:.75rem}
dt{font-weight:600}dd{margin:0;font-size:1.3rem}dd small{display:block;font-size:.9rem;color:#505a5f}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin-top:.75rem}
th,td{text-align:left;padding:.45rem;border-bottom:1px solid #b1b4b6;vertical-align:top}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
label{display:block;font-weight:600;margin-top:.75rem}
input,select,textarea{box-sizing:border-box;width:100%;max-width:20rem;font:inherit;padding:.4rem;border:2px solid #0b0c0c}
textarea{max-width:40rem}input[type=checkbox]{width:auto}
[aria-invalid=true]{border-color:#d4351c}.error{color:#d4351c;font-weight:600;margin:.25rem 0 0}
.summary{border:4px solid #d4351c;padding:.5rem 1rem;margin:1rem 0}.summary a{color:#d4351c}
.notice{border-left:6px solid #00703c;background:#f3f2f1;padding:.75rem 1rem}
.forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:2rem}
button{display:inline-block;margin-top:1rem;font:inherit;font-weight:600;padding:.5rem 1.2rem;background:#00703c;color:#fff;border:0;cursor:pointer}
.link{background:none;color:#1d70b8;padding:0;margin:0;text-decoration:underline;font-weight:400}
.state{font-weight:600}.state-bad{color:#d4351c}.state-warn{color:#8a4b00}.state-good{color:#00703c}
.chart{min-height:2rem;margin-top:.75rem}
:focus-visible{outline:3px solid #fd0;outline-offset:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
const styleSheet = new SafeHtml(style);

/** A dashboard page: the header with the signed-in person and sign-out, `main`, and our own scripts and styles. */
export function dashboardPage(opts: {
  title: string;
  main: SafeHtml;
  signed: { name: string; csrf: string };
  scripts?: string[];
  styles?: string[];
  /** More of the head, such as a task page's reload while its tasks run. */
  head?: SafeHtml | undefined;
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – WAOOAW</title>
${opts.head}
${(opts.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
<style>${styleSheet}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header>
<a class="brand" href="/">WAOOAW</a>
<nav aria-label="Main"><a href="/dashboard">Dashboard</a><a href="/agents">Agents</a><a href="/account">Your account</a></nav>
<form method="post" action="/logout">${csrfField(opts.signed.csrf)}<span>${opts.signed.name}</span> <button type="submit" class="link">Sign out</button></form>
</header>
<main id="main">
${opts.main}
</main>
${(opts.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>
`.text;
}

/**
 * Sends a dashboard page: as the accounts' pages, except that our own scripts and
 * stylesheets (the chart's, from this origin) may load; nothing else may, and the page
 * reaches no other origin.
 */
export function sendDashboardPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply
    .code(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .send(page);
}
