import type { FastifyReply } from 'fastify';
import { html, SafeHtml } from '../tickets/html.ts';

// The accounts' look (app/accounts/account-layout.ts), wider for a grid of cards. Inline:
// one request per page, and no file for a proxy to cache apart from the page.
const style = `body{font:1rem/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:0 1rem 2rem;color:#1b1b1b}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;border-bottom:2px solid #0b0c0c;padding:.75rem 0;margin-bottom:1.5rem}
header a{color:#1b1b1b;text-decoration:none}.brand{font-weight:700}nav a{margin-left:1rem}
a{color:#1d70b8}h1{margin:.5rem 0}.lead{font-size:1.2rem;margin-top:0}.hint{color:#505a5f}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fd0;padding:.5rem}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem 1rem;align-items:end;background:#f3f2f1;padding:1rem}
label{display:block;font-weight:600}input,select{box-sizing:border-box;width:100%;font:inherit;padding:.4rem;border:2px solid #0b0c0c;background:#fff}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.5rem 1.2rem;background:#00703c;color:#fff;border:0;text-decoration:none;cursor:pointer}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem;list-style:none;padding:0}
.card{border:1px solid #b1b4b6;padding:1rem;display:flex;flex-direction:column;gap:.4rem}.card h3{margin:0}.card p{margin:0}
.who{display:flex;gap:.75rem;align-items:center}.avatar{flex:none;display:flex;align-items:center;justify-content:center;width:3rem;height:3rem;border-radius:50%;background:#f3f2f1;font-size:1.6rem}
.big{width:5rem;height:5rem;font-size:2.8rem}.specialty{color:#505a5f}
.status{display:inline-block;width:max-content;padding:0 .5rem;font-weight:600;color:#fff;background:#505a5f}.status-available{background:#00703c}.status-working{background:#1d70b8}
.price strong{font-size:1.15rem}.tags{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0}.tags li{background:#f3f2f1;padding:.1rem .5rem}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:1rem}.figures div{border-left:4px solid #1d70b8;padding-left:.75rem}
dt{font-weight:600}dd{margin:0;font-size:1.2rem}dd small{display:block;font-size:.9rem;color:#505a5f}
.deliverables{list-style:none;padding:0}.deliverables li{border-top:1px solid #b1b4b6;padding:.5rem 0}.deliverables h3{margin:.25rem 0}
.activity{list-style:none;padding:0}.activity time{color:#505a5f;margin-left:.5rem}.pages a,.pages span{margin-right:.75rem}
.summary{border:4px solid #d4351c;padding:0 1rem;margin:1rem 0}.summary a,.error{color:#a1260f}.error{font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border-color:#d4351c}
.calculator{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem 1rem;background:#f3f2f1;padding:1rem}
.calculator p{margin:0}.calculator>div:last-child{grid-column:1/-1}.result{border-left:6px solid #00703c;background:#f3f2f1;padding:.5rem 1rem;margin-top:1rem}
:focus-visible{outline:3px solid #fd0;outline-offset:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
const styleSheet = new SafeHtml(style);

/** A marketplace page: the header, `main`, and the scripts it names (ours, from this origin only). */
export function marketplacePage(opts: {
  title: string;
  description: string;
  main: SafeHtml;
  scripts?: string[];
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – WAOOAW</title>
<meta name="description" content="${opts.description}">
<style>${styleSheet}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header>
<a class="brand" href="/">WAOOAW</a>
<nav aria-label="Main"><a href="/agents">Agents</a><a href="/pricing">Pricing</a><a href="/account">Your account</a></nav>
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
 * Sends a page as the accounts' pages are sent, except that our own scripts may load (the
 * live feed's) and reach this origin (its event stream); nothing else may.
 */
export function sendMarketplacePage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply
    .code(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-cache')
    .send(page);
}
