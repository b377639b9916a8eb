import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

// A double of the part of Stripe's API the Stripe driver calls, on a local port, for the
// official SDK pointed at it (`new Stripe(key, { host, port, protocol: 'http' })`). Requests
// arrive as the SDK sends them (form-encoded bodies and query strings with bracketed keys,
// a Bearer key, Stripe-Version, Idempotency-Key on POSTs) and are checked as Stripe checks
// them. The parameters come from Stripe's OpenAPI description (stripe/openapi, spec3.json of
// July 2026: POST /v1/customers, GET /v1/customers/search and /v1/customers/{customer},
// POST /v1/payment_intents), cut to those the driver may send; the answers are typed as the
// SDK's own Customer, PaymentIntent and Event, which are generated from that description.

/**
 * Stripe's test payment methods the double knows (docs.stripe.com/testing): each charges,
 * declines as Stripe's test card of that name does, or wants the cardholder to authenticate.
 */
export type TestCard =
  | 'pm_card_visa'
  | 'pm_card_chargeDeclined'
  | 'pm_card_chargeDeclinedInsufficientFunds'
  | 'pm_card_chargeDeclinedLostCard'
  | 'pm_card_chargeDeclinedExpiredCard'
  | 'pm_card_chargeDeclinedProcessingError'
  | 'pm_card_authenticationRequired';

interface Decline {
  code: string;
  decline_code?: string;
  advice_code?: string;
  message: string;
}
const cards: Record<TestCard, { last4: string; decline?: Decline; authenticate?: true }> = {
  pm_card_visa: { last4: '4242' },
  pm_card_chargeDeclined: {
    last4: '0002',
    decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    last4: '9995',
    decline: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      advice_code: 'try_again_later',
      message: 'Your card has insufficient funds.',
    },
  },
  pm_card_chargeDeclinedLostCard: {
    last4: '9987',
    decline: {
      code: 'card_declined',
      decline_code: 'lost_card',
      advice_code: 'do_not_try_again',
      message: 'Your card was declined.',
    },
  },
  pm_card_chargeDeclinedExpiredCard: {
    last4: '0069',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  },
  pm_card_chargeDeclinedProcessingError: {
    last4: '0119',
    decline: {
      code: 'processing_error',
      decline_code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
  pm_card_authenticationRequired: { last4: '3184', authenticate: true },
};

/** What the double answers instead: a dropped connection, Stripe's 500, or its 429. */
export type StripeTrouble = 'connection' | 'api_error' | 'rate_limit';

export interface StripeDouble {
  /** For the SDK: `new Stripe(secretKey, { host: '127.0.0.1', port, protocol: 'http' })`, or STRIPE_API_URL. */
  readonly url: string;
  readonly port: number;
  readonly secretKey: string;
  readonly customers: ReadonlyMap<string, Stripe.Customer>;
  readonly paymentIntents: ReadonlyMap<string, Stripe.PaymentIntent>;
  /** The events Stripe would send: payment_intent.succeeded and payment_intent.payment_failed, in order. */
  readonly events: Stripe.Event[];
  /** Every request as answered. */
  readonly requests: { method: string; path: string; status: number; idempotencyKey?: string; replayed?: true }[];
  /** What a real Stripe would refuse or what the double does not know; tests assert there is none. */
  readonly violations: string[];
  /** Saves a test card as the customer's default payment method (what a SetupIntent does); returns its pm_ id. */
  saveCard(customerId: string, card: TestCard): string;
  /** The customer completes a pending PaymentIntent on our page (Stripe.js): paid, or declined as `card` is. */
  completePayment(intentId: string, card: TestCard): Stripe.PaymentIntent;
  /** Posts the events not yet delivered to a webhook endpoint, in order and signed with `secret`, as Stripe does; their HTTP statuses. */
  deliverEvents(endpoint: string, secret: string): Promise<number[]>;
  /** Answers the next `times` requests (default 1) with `trouble`. */
  failNext(trouble: StripeTrouble, times?: number): void;
  /** Stripe's search of customers: `unavailable` answers as for an account that has no search. */
  search: 'available' | 'unavailable';
  close(): Promise<void>;
}

/** A delivery of `event` as Stripe signs it, made with the SDK's own test-header helper. */
export function signedDelivery(
  event: Stripe.Event,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
}

class StripeApiError extends Error {
  readonly status: number;
  readonly error: Record<string, unknown>;
  /** False for a validation failure: Stripe keeps no result for its idempotency key then. */
  readonly keep: boolean;
  constructor(status: number, error: Record<string, unknown>, keep = true) {
    super(String(error.message));
    this.status = status;
    this.error = error;
    this.keep = keep;
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(
    400,
    {
      type: 'invalid_request_error',
      message,
      ...(param === undefined ? {} : { param }),
      ...(code === undefined
        ? {}
        : { code, doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}` }),
    },
    false,
  );

// The parameters of each operation, as the description types them (a cut: what the driver sends).
type Param =
  | { type: 'string'; maxLength: number }
  | { type: 'integer' }
  | { type: 'boolean' }
  | { type: 'currency' }
  | { type: 'metadata' }
  | { type: 'expand' }
  | { type: 'boolean_or'; values: string[] }
  | { type: 'object'; properties: Record<string, Param>; required: string[] };
interface Operation {
  params: Record<string, Param>;
  required: string[];
}
const str = (maxLength: number): Param => ({ type: 'string', maxLength });
const operations: Record<string, Operation> = {
  'POST /v1/customers': {
    params: {
      name: str(256),
      email: str(512),
      description: str(350),
      metadata: { type: 'metadata' },
      expand: { type: 'expand' },
    },
    required: [],
  },
  'GET /v1/customers/search': {
    params: { query: str(5000), limit: { type: 'integer' }, page: str(5000), expand: { type: 'expand' } },
    required: ['query'],
  },
  'GET /v1/customers/{customer}': { params: { expand: { type: 'expand' } }, required: [] },
  'POST /v1/payment_intents': {
    params: {
      amount: { type: 'integer' },
      currency: { type: 'currency' },
      customer: str(5000),
      description: str(1000),
      metadata: { type: 'metadata' },
      payment_method: str(5000),
      return_url: str(5000),
      confirm: { type: 'boolean' },
      off_session: { type: 'boolean_or', values: ['one_off', 'recurring'] },
      automatic_payment_methods: {
        type: 'object',
        properties: {
          enabled: { type: 'boolean' },
          allow_redirects: { type: 'boolean_or', values: ['always', 'never'] },
        },
        required: ['enabled'],
      },
      expand: { type: 'expand' },
    },
    required: ['amount', 'currency'],
  },
};

// A few of the currencies Stripe supports; anything else is refused as Stripe refuses it.
const currencies = new Set(['inr', 'usd', 'eur', 'gbp', 'sgd', 'aed', 'jpy', 'aud', 'cad']);

type Form = { [key: string]: string | Form };

/** Stripe's form encoding (`metadata[invoice_id]=…`, `expand[0]=…`) read back into nested objects. */
function parseForm(text: string): Form {
  const form: Form = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let at = form;
    path.forEach((part, i) => {
      if (i === path.length - 1) at[part] = value;
      else {
        const next = at[part];
        at = typeof next === 'object' ? next : (at[part] = {});
      }
    });
  }
  return form;
}

/** Checks a parsed request against its operation, throwing Stripe's invalid_request_error; returns the typed values. */
function checkParams(
  form: Form,
  params: Record<string, Param>,
  required: string[],
  prefix = '',
): Record<string, unknown> {
  const name = (key: string) => (prefix === '' ? key : `${prefix}[${key}]`);
  for (const key of required)
    if (form[key] === undefined) throw invalid(`Missing required param: ${name(key)}.`, name(key), 'parameter_missing');
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const param = params[key];
    if (param === undefined) throw invalid(`Received unknown parameter: ${name(key)}`, name(key), 'parameter_unknown');
    const scalar = typeof value === 'string' ? value : undefined;
    const expected = (what: string) => invalid(`Invalid ${what}: ${JSON.stringify(value).slice(0, 50)}`, name(key));
    switch (param.type) {
      case 'string':
        if (scalar === undefined) throw expected('string');
        if (scalar.length > param.maxLength)
          throw invalid(
            `Invalid string: ${scalar.slice(0, 20)}...; must be at most ${param.maxLength} characters`,
            name(key),
            'string_too_long',
          );
        values[key] = scalar;
        break;
      case 'integer':
        if (scalar === undefined || !/^-?\d{1,15}$/.test(scalar))
          throw invalid(`Invalid integer: ${scalar ?? '[object]'}`, name(key), 'parameter_invalid_integer');
        values[key] = Number(scalar);
        break;
      case 'boolean':
        if (scalar !== 'true' && scalar !== 'false') throw expected('boolean');
        values[key] = scalar === 'true';
        break;
      case 'boolean_or':
        if (scalar === 'true' || scalar === 'false') values[key] = scalar === 'true';
        else if (scalar !== undefined && param.values.includes(scalar)) values[key] = scalar;
        else throw invalid(`Invalid ${name(key)}: must be one of true, false, ${param.values.join(', ')}`, name(key));
        break;
      case 'currency':
        if (scalar === undefined || !currencies.has(scalar))
          throw invalid(
            `Invalid currency: ${(scalar ?? '').slice(0, 20)}. Stripe currently supports these currencies: ${[...currencies].join(', ')}`,
            name(key),
          );
        values[key] = scalar;
        break;
      case 'metadata': {
        if (typeof value !== 'object') throw invalid('Invalid object', name(key));
        const entries = Object.entries(value);
        if (entries.length > 50) throw invalid('You can specify up to 50 keys in metadata.', name(key));
        for (const [k, v] of entries) {
          if (typeof v !== 'string')
            throw invalid('Invalid metadata value: metadata values are strings', `${name(key)}[${k}]`);
          if (k.length > 40)
            throw invalid(`Metadata keys can have up to 40 characters; "${k.slice(0, 20)}…" is longer.`, name(key));
          if (v.length > 500)
            throw invalid(`Metadata values can have up to 500 characters; the one for "${k}" is longer.`, name(key));
        }
        values[key] = value;
        break;
      }
      case 'expand':
        if (typeof value !== 'object') throw invalid('Invalid array', name(key));
        values[key] = Object.values(value);
        break;
      case 'object':
        if (typeof value !== 'object') throw invalid('Invalid object', name(key));
        values[key] = checkParams(value, param.properties, param.required, name(key));
        break;
    }
  }
  return values;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function newCustomer(values: Record<string, unknown>): Stripe.Customer {
  return {
    id: id('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: (values.description as string | undefined) ?? null,
    discount: null,
    email: (values.email as string | undefined) ?? null,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: (values.metadata as Record<string, string> | undefined) ?? {},
    name: (values.name as string | undefined) ?? null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

function newPaymentIntent(values: Record<string, unknown>): Stripe.PaymentIntent {
  const intentId = id('pi');
  const automatic = values.automatic_payment_methods as
    { enabled: boolean; allow_redirects?: 'always' | 'never' } | undefined;
  return {
    id: intentId,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: values.amount as number,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    // On by default since API version 2023-08-16.
    automatic_payment_methods: automatic ?? { enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${intentId}_secret_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`,
    confirmation_method: 'automatic',
    created: nowSeconds(),
    currency: values.currency as string,
    customer: (values.customer as string | undefined) ?? null,
    customer_account: null,
    description: (values.description as string | undefined) ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: (values.metadata as Record<string, string> | undefined) ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: (values.payment_method as string | undefined) ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

/** The JSON both sides of an idempotency check compare: the operation and its parameters, key order aside. */
const canonical = (value: unknown): string =>
  typeof value === 'object' && value !== null
    ? `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : JSON.stringify(value);

export async function startStripeDouble(opts: { secretKey?: string } = {}): Promise<StripeDouble> {
  const secretKey = opts.secretKey ?? `sk_test_${randomBytes(18).toString('hex')}`;
  const customers = new Map<string, Stripe.Customer>();
  const paymentIntents = new Map<string, Stripe.PaymentIntent>();
  // pm_ id → its test card and the customer it is attached to.
  const paymentMethods = new Map<string, { card: TestCard; customer: string }>();
  const events: Stripe.Event[] = [];
  const requests: StripeDouble['requests'] = [];
  const violations: string[] = [];
  const troubles: StripeTrouble[] = [];
  let delivered = 0;
  const idempotent = new Map<string, { operation: string; params: string; status: number; body: unknown }>();

  const emit = (type: 'payment_intent.succeeded' | 'payment_intent.payment_failed', intent: Stripe.PaymentIntent) => {
    events.push({
      id: id('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(intent) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: id('req'), idempotency_key: null },
      type,
    });
  };

  /** Confirms `intent` with `method`, as Stripe does: charges it, declines it, or asks for authentication. */
  const confirm = (intent: Stripe.PaymentIntent, method: string, offSession: boolean) => {
    const attached = paymentMethods.get(method);
    if (attached === undefined)
      throw invalid(`No such PaymentMethod: '${method}'`, 'payment_method', 'resource_missing');
    if (intent.customer !== null && attached.customer !== intent.customer)
      throw invalid(`The provided PaymentMethod ${method} belongs to another customer.`, 'payment_method');
    const card = cards[attached.card];
    intent.payment_method = method;
    if (card.authenticate === true && offSession) {
      const decline = {
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      };
      return declined(intent, decline);
    }
    if (card.decline !== undefined) return declined(intent, card.decline);
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.latest_charge = id('ch');
    intent.last_payment_error = null;
    emit('payment_intent.succeeded', intent);
    return intent;
  };
  const declined = (intent: Stripe.PaymentIntent, decline: Decline): never => {
    const charge = id('ch');
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge;
    intent.last_payment_error = {
      type: 'card_error',
      charge,
      ...decline,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replaceAll('_', '-')}`,
    };
    emit('payment_intent.payment_failed', intent);
    throw new StripeApiError(402, { ...intent.last_payment_error, payment_intent: structuredClone(intent) });
  };

  const operate = (operation: string, resource: string | undefined, values: Record<string, unknown>): unknown => {
    switch (operation) {
      case 'POST /v1/customers': {
        const customer = newCustomer(values);
        customers.set(customer.id, customer);
        return customer;
      }
      case 'GET /v1/customers/search': {
        if (double.search === 'unavailable') throw invalid('Search is not available on this account.', 'query');
        const clause = /^metadata\['([A-Za-z0-9_]{1,40})'\]:'([^'\\]{0,500})'$/.exec(values.query as string);
        if (clause === null) {
          violations.push(
            `customers/search: "${String(values.query).slice(0, 80)}" is not a query the double understands`,
          );
          throw invalid('Invalid search query.', 'query');
        }
        const [, key = '', wanted] = clause;
        const data = [...customers.values()]
          .filter((c) => c.metadata[key] === wanted)
          .slice(0, (values.limit as number | undefined) ?? 10);
        return { object: 'search_result', data, has_more: false, next_page: null, url: '/v1/customers/search' };
      }
      case 'GET /v1/customers/{customer}': {
        const customer = customers.get(resource ?? '');
        if (customer === undefined)
          throw new StripeApiError(404, {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: `No such customer: '${resource ?? ''}'`,
            param: 'id',
          });
        return customer;
      }
      case 'POST /v1/payment_intents': {
        const amount = values.amount as number;
        if (values.currency === 'inr' && amount < 50)
          throw invalid('Amount must be at least ₹0.50 inr', 'amount', 'amount_too_small');
        if (amount > 99_999_999) throw invalid('Amount must be no more than 99999999', 'amount', 'amount_too_large');
        const customer = values.customer as string | undefined;
        if (customer !== undefined && !customers.has(customer))
          throw invalid(`No such customer: '${customer}'`, 'customer', 'resource_missing');
        const confirming = values.confirm === true;
        if (values.off_session !== undefined && !confirming)
          throw invalid('You can only pass in off_session when confirm is set to true.', 'off_session');
        if (confirming && values.payment_method === undefined)
          throw invalid(
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            'payment_method',
            'payment_intent_unexpected_state',
          );
        // Automatic payment methods are on unless payment_method_types says otherwise, and a
        // confirmation that may redirect the customer needs somewhere to send them back to.
        const redirects = (values.automatic_payment_methods as { allow_redirects?: string } | undefined)
          ?.allow_redirects;
        if (confirming && redirects !== 'never' && values.return_url === undefined)
          throw invalid(
            'You must provide a `return_url` when confirming a PaymentIntent with automatic_payment_methods[allow_redirects] not set to `never`.',
            'return_url',
          );
        const intent = newPaymentIntent(values);
        paymentIntents.set(intent.id, intent);
        return confirming
          ? confirm(
              intent,
              values.payment_method as string,
              values.off_session !== undefined && values.off_session !== false,
            )
          : intent;
      }
    }
    throw new Error(`no operation ${operation}`);
  };

  const route = (method: string, path: string): { operation: string; resource?: string } | undefined => {
    if (method === 'POST' && path === '/v1/customers') return { operation: 'POST /v1/customers' };
    if (method === 'GET' && path === '/v1/customers/search') return { operation: 'GET /v1/customers/search' };
    const customer = /^\/v1\/customers\/(cus_[A-Za-z0-9]+)$/.exec(path);
    if (method === 'GET' && customer !== null)
      return { operation: 'GET /v1/customers/{customer}', resource: customer[1] ?? '' };
    if (method === 'POST' && path === '/v1/payment_intents') return { operation: 'POST /v1/payment_intents' };
    return undefined;
  };

  const respond = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'request-id': id('req'),
        'stripe-version': Stripe.API_VERSION,
        ...headers,
      })
      .end(JSON.stringify(body));

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const log = (status: number, replayed?: true) =>
      requests.push({
        method,
        path: url.pathname,
        status,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        ...(replayed ? { replayed } : {}),
      });

    const trouble = troubles.shift();
    if (trouble === 'connection') {
      log(0);
      req.socket.destroy();
      return;
    }
    if (trouble !== undefined) {
      const status = trouble === 'api_error' ? 500 : 429;
      log(status);
      return respond(res, status, {
        error:
          trouble === 'api_error'
            ? { type: 'api_error', message: 'An unknown error occurred' }
            : {
                type: 'invalid_request_error',
                code: 'rate_limit',
                message: 'Too many requests hit the API too quickly.',
              },
      });
    }
    const fail = (err: StripeApiError) => {
      log(err.status);
      return respond(res, err.status, { error: err.error });
    };

    if (req.headers.authorization === undefined)
      return fail(
        new StripeApiError(401, { type: 'invalid_request_error', message: 'You did not provide an API key.' }),
      );
    if (req.headers.authorization !== `Bearer ${secretKey}`)
      return fail(
        new StripeApiError(401, {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${req.headers.authorization.slice(7, 15)}****`,
        }),
      );
    if (req.headers['stripe-version'] === undefined)
      violations.push(`${method} ${url.pathname}: no Stripe-Version header`);
    const found = route(method, url.pathname);
    if (found === undefined) {
      violations.push(`${method} ${url.pathname}: not an endpoint the double answers`);
      return fail(
        new StripeApiError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${url.pathname}).`,
        }),
      );
    }
    if (method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      violations.push(
        `${found.operation}: sent as ${req.headers['content-type'] ?? 'no content type'}, not form-encoded`,
      );
    if (method === 'GET' && raw !== '') violations.push(`${found.operation}: a GET with a body`);
    const form = parseForm(method === 'GET' ? url.search.slice(1) : raw);
    const operation = operations[found.operation];
    if (operation === undefined) throw new Error(`no parameters for ${found.operation}`);

    // Stripe keeps a key's first result for 24 hours: the same request again gets it back;
    // another request under the key is refused. Requests refused by validation keep nothing.
    const params = canonical({ operation: found.operation, resource: found.resource, form });
    const earlier = key === undefined ? undefined : idempotent.get(key);
    if (earlier !== undefined) {
      if (earlier.params !== params)
        return fail(
          new StripeApiError(400, {
            type: 'idempotency_error',
            message:
              earlier.operation === found.operation
                ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key ?? ''}' if you meant to execute a different request.`
                : `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${earlier.operation}').`,
          }),
        );
      log(earlier.status, true);
      return respond(res, earlier.status, earlier.body, {
        'idempotent-replayed': 'true',
        'idempotency-key': key ?? '',
      });
    }
    const remember = (status: number, body: unknown) => {
      if (key !== undefined && method === 'POST')
        idempotent.set(key, { operation: found.operation, params, status, body });
    };
    try {
      const values = checkParams(form, operation.params, operation.required);
      const body = structuredClone(operate(found.operation, found.resource, values));
      remember(200, body);
      log(200);
      return respond(res, 200, body, key === undefined ? {} : { 'idempotency-key': key });
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      if (err.keep) remember(err.status, { error: err.error });
      return fail(err);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        violations.push(`the double failed: ${String(err)}`);
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const double: StripeDouble = {
    url: `http://127.0.0.1:${port}`,
    port,
    secretKey,
    customers,
    paymentIntents,
    events,
    requests,
    violations,
    search: 'available',
    saveCard(customerId, card) {
      const customer = customers.get(customerId);
      if (customer === undefined) throw new Error(`the double has no customer ${customerId}`);
      const method = id('pm');
      paymentMethods.set(method, { card, customer: customerId });
      customer.invoice_settings.default_payment_method = method;
      return method;
    },
    completePayment(intentId, card) {
      const intent = paymentIntents.get(intentId);
      if (intent === undefined) throw new Error(`the double has no PaymentIntent ${intentId}`);
      const method = id('pm');
      paymentMethods.set(method, { card, customer: typeof intent.customer === 'string' ? intent.customer : '' });
      try {
        return structuredClone(confirm(intent, method, false));
      } catch (err) {
        if (err instanceof StripeApiError) return structuredClone(intent);
        throw err;
      }
    },
    async deliverEvents(endpoint, secret) {
      const statuses: number[] = [];
      for (const event of events.slice(delivered)) {
        const { body, signature } = signedDelivery(event, secret);
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
          body,
        });
        statuses.push(res.status);
        // Stripe retries what was not answered 2xx; the double leaves it for the next call.
        if (!res.ok) break;
        delivered++;
      }
      return statuses;
    },
    failNext(trouble, times = 1) {
      for (let i = 0; i < times; i++) troubles.push(trouble);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return double;
}
