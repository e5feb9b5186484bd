/// The OpenAPI 3.1 description of every route, served at `GET /openapi.yaml`.
///
/// Kept as a Swift string (rather than a SwiftPM resource) so the document is compiled into the
/// binary: nothing to locate at run time, and a copied or installed `videoledger` can never
/// serve a stale or missing file. `APITests/OpenAPIDocumentTests` checks that every route the
/// router answers is described here and that the responses the tests receive validate against
/// these schemas; edit this text when a route changes.
///
/// Routes marked `x-videoledger-status: pending` are specified ahead of their implementation
/// (job submit/detail/cancel and reconciliations, added with the job lifecycle).
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: VideoLedger API
  version: "1"
  summary: Prices, records and settles AI video-generation jobs.
  description: |
    Amounts are decimal strings with six decimals ("0.800000"), never JSON numbers. Times are
    ISO 8601 UTC with microseconds. Every error is `{"error":{"code","message"}}` with a 4xx/5xx
    status. Authentication is a bearer token: a `read` token allows GET, an `admin` token
    allows everything; `/healthz` and (by default) `/metrics` need no token.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
tags:
  - name: health
  - name: quotes
  - name: users
  - name: jobs
  - name: providers
  - name: reconciliations
  - name: meta
paths:
  /healthz:
    get:
      tags: [health]
      operationId: health
      summary: Whether the service reaches its database.
      security: []
      responses:
        "200":
          description: Healthy.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Health" }
        "503":
          description: The database is unreachable.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Health" }
  /metrics:
    get:
      tags: [meta]
      operationId: metrics
      summary: Prometheus metrics (text exposition format).
      description: Open unless the service runs with VIDEOLEDGER_METRICS_OPEN=false, then a read token is needed.
      security: [{}, { bearer: [] }]
      responses:
        "200":
          description: Metrics.
          content:
            text/plain:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /openapi.yaml:
    get:
      tags: [meta]
      operationId: openapi
      summary: This document.
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/quotes:
    post:
      tags: [quotes]
      operationId: quote
      summary: Price a video spec at every provider that offers it, cheapest first.
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/VideoSpec" }
      responses:
        "200":
          description: Offers sorted by cost, and the reasons other providers were rejected.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/QuoteResult" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/quotes/cheapest:
    get:
      tags: [quotes]
      operationId: cheapestQuote
      summary: The cheapest offer for a spec given as query parameters (in memory, no SQL).
      parameters:
        - { name: family, in: query, schema: { type: string } }
        - { name: model, in: query, schema: { type: string } }
        - { name: provider, in: query, schema: { type: string } }
        - { name: quality, in: query, schema: { type: string } }
        - { name: duration, in: query, description: '"8", "8s" or "auto"', schema: { type: string } }
        - { name: resolution, in: query, schema: { type: string } }
        - { name: aspect_ratio, in: query, schema: { type: string } }
        - { name: audio, in: query, schema: { type: string, enum: ["true", "false", "1", "0", "yes", "no"] } }
        - { name: n, in: query, schema: { type: integer, minimum: 1, maximum: 16 } }
        - { name: mode, in: query, schema: { type: string, enum: [t2v, i2v, v2v, upscale] } }
        - { name: priced_on, in: query, schema: { type: string, format: date } }
      responses:
        "200":
          description: The cheapest offer.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Offer" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/users/{id}:
    put:
      tags: [users]
      operationId: createUser
      summary: Create a user (idempotent; 200 when it already exists with the same credit limit).
      parameters: [{ $ref: "#/components/parameters/UserID" }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                credit_limit: { $ref: "#/components/schemas/DecimalInput" }
      responses:
        "200":
          description: The user already existed.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Balance" }
        "201":
          description: Created.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Balance" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "409": { $ref: "#/components/responses/Conflict" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/users/{id}/credits:
    post:
      tags: [users]
      operationId: addCredits
      summary: Top up a user's available balance (idempotent by Idempotency-Key).
      parameters:
        - { $ref: "#/components/parameters/UserID" }
        - { $ref: "#/components/parameters/IdempotencyKey" }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: { $ref: "#/components/schemas/DecimalInput" }
                currency: { $ref: "#/components/schemas/Currency" }
      responses:
        "201":
          description: Credited (a replay with the same key and body answers the same).
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Balance" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/users/{id}/balance:
    get:
      tags: [users]
      operationId: userBalance
      summary: A user's available and held balance in one currency.
      parameters:
        - { $ref: "#/components/parameters/UserID" }
        - { name: currency, in: query, schema: { $ref: "#/components/schemas/Currency" } }
      responses:
        "200":
          description: The balance.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Balance" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/users/{id}/spend:
    get:
      tags: [users]
      operationId: userSpend
      summary: What a user spent with providers over UTC days, in total and by day, provider or family.
      description: |
        Spend is the money settled to providers (capture + excess transfers), exact to the
        micro-unit, read from a rollup maintained in the same transaction as each settlement.
        A transfer counts on the UTC date of its settlement. `from` and `to` are inclusive and
        may span at most 366 days; defaults are the 30 days ending today (UTC).
      parameters:
        - { $ref: "#/components/parameters/UserID" }
        - { name: from, in: query, schema: { $ref: "#/components/schemas/Date" } }
        - { name: to, in: query, schema: { $ref: "#/components/schemas/Date" } }
        - { name: group_by, in: query, schema: { type: string, enum: [day, provider, family], default: day } }
      responses:
        "200":
          description: Totals per currency and the groups with spend.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/SpendReport" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
  /v1/jobs:
    get:
      tags: [jobs]
      operationId: listJobs
      summary: Jobs newest first, filtered, in keyset-paged pages.
      description: |
        Ordered by (created_at DESC, id DESC). `next_cursor` encodes the last job's
        (created_at, id); the next page holds the jobs strictly older than it, so jobs created
        while a client pages never shift, repeat or hide rows. Start again without a cursor to
        see new jobs. Bad filter values are a 400 whose code names the parameter
        (`invalid_status`, `invalid_limit`, ...).
      parameters:
        - { name: user_id, in: query, schema: { type: string } }
        - name: status
          in: query
          description: One status or several, comma-separated.
          schema: { type: string }
        - { name: provider, in: query, schema: { $ref: "#/components/schemas/ProviderID" } }
        - { name: family, in: query, schema: { type: string } }
        - name: from
          in: query
          description: Inclusive lower bound on created_at (ISO 8601 with zone, or YYYY-MM-DD = UTC midnight).
          schema: { type: string }
        - name: to
          in: query
          description: Exclusive upper bound on created_at (same forms as from).
          schema: { type: string }
        - { name: cursor, in: query, description: next_cursor of the previous page, unchanged., schema: { type: string } }
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 500, default: 50 } }
      responses:
        "200":
          description: One page.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/JobPage" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
    post:
      tags: [jobs]
      operationId: createJob
      summary: Submit a job (the service picks and calls the provider) or record one the caller submitted.
      description: |
        With `provider_job_id` the job is recorded (the caller already submitted it); without,
        the service holds the quoted cost and submits it. `provider` is a provider id or
        "cheapest". The same Idempotency-Key with the same body answers 200 with the job first
        created; with another body, 409.
      parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/JobRequest" }
      responses:
        "200":
          description: Replay of an earlier request with the same key and body.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Job" }
        "201":
          description: Created.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Job" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "402": { $ref: "#/components/responses/PaymentRequired" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/jobs/{id}:
    get:
      tags: [jobs]
      operationId: getJob
      summary: One job and the ledger transfers of its hold.
      parameters: [{ $ref: "#/components/parameters/JobID" }]
      responses:
        "200":
          description: The job.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/JobDetail" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
  /v1/jobs/{id}/cancel:
    post:
      tags: [jobs]
      operationId: cancelJob
      summary: Cancel a job that has not finished; its hold is released whole.
      parameters: [{ $ref: "#/components/parameters/JobID" }]
      responses:
        "200":
          description: The job after cancellation (or as it already was, when already cancelled).
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Job" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
  /v1/providers:
    get:
      tags: [providers]
      operationId: listProviders
      summary: The five providers, their last reported balances and how their recent jobs went.
      parameters:
        - { name: window_hours, in: query, schema: { type: integer, minimum: 1, maximum: 168, default: 24 } }
      responses:
        "200":
          description: One entry per provider.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ProviderOverview" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/reconciliations:
    post:
      tags: [reconciliations]
      operationId: startReconciliation
      summary: Reconcile recorded charges against provider balances for a period.
      parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/ReconciliationRequest" }
      responses:
        "201":
          description: The reconciliation run and its findings.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Reconciliation" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "409": { $ref: "#/components/responses/Conflict" }
        "422": { $ref: "#/components/responses/Unprocessable" }
  /v1/reconciliations/{id}:
    get:
      tags: [reconciliations]
      operationId: getReconciliation
      summary: A reconciliation run and its findings.
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: The run.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Reconciliation" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: An API token (`videoledger token create`); read scope for GET, admin for writes.
  parameters:
    UserID:
      name: id
      in: path
      required: true
      schema: { type: string, pattern: "^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$" }
    JobID:
      name: id
      in: path
      required: true
      schema: { type: string, format: uuid }
    IdempotencyKey:
      name: Idempotency-Key
      in: header
      required: true
      description: 1-200 visible ASCII characters; retrying with the same key and body is safe.
      schema: { type: string, minLength: 1, maxLength: 200 }
  responses:
    BadRequest:
      description: Malformed input; `code` names the problem (`invalid_<parameter>`, `missing_field`, `malformed_json`, ...).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    Unauthorized:
      description: No valid bearer token (`unauthorized`).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    Forbidden:
      description: The token's scope does not allow this (`forbidden`).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    NotFound:
      description: No such user, job, hold or route (`not_found`).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    Conflict:
      description: Idempotency key reused with another body, or a state conflict.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    PaymentRequired:
      description: The user's available balance and credit do not cover the hold (`insufficient_funds`).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    TooLarge:
      description: Request body above 64 KiB (`body_too_large`).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    Unprocessable:
      description: Well-formed but not acceptable (`invalid_amount`, `invalid_family`, `no_offer`, ...).
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
  schemas:
    Error:
      type: object
      required: [error]
      additionalProperties: false
      properties:
        error:
          type: object
          required: [code, message]
          additionalProperties: false
          properties:
            code: { type: string, pattern: "^[a-z][a-z0-9_]*$" }
            message: { type: string }
    Decimal:
      description: An amount in micro-units written as a decimal string with exactly six decimals.
      type: string
      pattern: "^-?[0-9]+\\.[0-9]{6}$"
    DecimalInput:
      description: An amount as a decimal string with at most six decimals ("12.5").
      type: string
      pattern: "^-?[0-9]+(\\.[0-9]{1,6})?$"
    Timestamp:
      description: ISO 8601 UTC with microseconds.
      type: string
      format: date-time
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"
    Date:
      type: string
      format: date
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    Currency:
      type: string
      enum: [USD, XNO, USDC]
    ProviderID:
      type: string
      enum: [aimo, openai-videos, venice, nanogpt, aigate]
    JobStatus:
      type: string
      enum: [submitting, queued, running, completed, failed, cancelled, expired, unknown]
    Health:
      type: object
      required: [status, database]
      properties:
        status: { type: string, enum: [ok, unavailable] }
        database: { type: string, enum: [ok, unreachable] }
        database_latency_microseconds: { type: integer }
        error: { type: string }
    Balance:
      type: object
      required: [user_id, currency, available, held, credit_limit]
      additionalProperties: false
      properties:
        user_id: { type: string }
        currency: { $ref: "#/components/schemas/Currency" }
        available: { $ref: "#/components/schemas/Decimal" }
        held: { $ref: "#/components/schemas/Decimal" }
        credit_limit: { $ref: "#/components/schemas/Decimal" }
    VideoSpec:
      description: A normalized video spec; give a family, or an exact provider model.
      type: object
      properties:
        family: { type: string }
        model: { type: string }
        provider: { type: string }
        quality: { type: string }
        duration:
          description: '"8s", "8", 8 or "auto".'
          type: [string, integer]
        resolution: { type: string }
        aspect_ratio: { type: string }
        audio: { type: boolean }
        n: { type: integer, minimum: 1, maximum: 16 }
        mode: { type: string, enum: [t2v, i2v, v2v, upscale] }
        priced_on: { $ref: "#/components/schemas/Date" }
    CostBreakdown:
      type: object
      required: [unit, rate_usd, audio, audio_surcharge_usd_per_second, billed_seconds, n, per_variant_usd, total_usd]
      properties:
        unit: { type: string, enum: [per_second, per_clip] }
        rate_usd: { $ref: "#/components/schemas/Decimal" }
        audio: { type: string, enum: [none, included, with_audio_rate, surcharge] }
        audio_surcharge_usd_per_second: { $ref: "#/components/schemas/Decimal" }
        billed_seconds: { type: integer }
        n: { type: integer }
        per_variant_usd: { $ref: "#/components/schemas/Decimal" }
        total_usd: { $ref: "#/components/schemas/Decimal" }
    Offer:
      type: object
      required: [provider, provider_model, family, mode, resolution, audio, clip_seconds, billed_seconds, cost_usd,
                 breakdown, price_book_version, priced_on, source, as_of]
      properties:
        provider: { $ref: "#/components/schemas/ProviderID" }
        provider_model: { type: string }
        quality: { type: string }
        family: { type: string }
        mode: { type: string, enum: [t2v, i2v, v2v, upscale] }
        resolution: { type: string }
        audio: { type: boolean }
        clip_seconds: { type: integer }
        billed_seconds: { type: integer }
        cost_usd: { $ref: "#/components/schemas/Decimal" }
        breakdown: { $ref: "#/components/schemas/CostBreakdown" }
        price_book_version: { type: string }
        priced_on: { $ref: "#/components/schemas/Date" }
        source: { type: string }
        as_of: { $ref: "#/components/schemas/Date" }
        inferred_reason: { type: string }
    Rejection:
      type: object
      required: [provider, family, code, reason]
      properties:
        provider: { $ref: "#/components/schemas/ProviderID" }
        provider_model: { type: string }
        quality: { type: string }
        family: { type: string }
        code: { type: string }
        reason: { type: string }
    QuoteResult:
      type: object
      required: [family, price_book_version, priced_on, offers, rejections]
      properties:
        family: { type: string }
        price_book_version: { type: string }
        priced_on: { $ref: "#/components/schemas/Date" }
        offers: { type: array, items: { $ref: "#/components/schemas/Offer" } }
        rejections: { type: array, items: { $ref: "#/components/schemas/Rejection" } }
    Job:
      type: object
      required: [id, user_id, origin, provider, model, family, provider_job_id, status, failure_reason, mode,
                 duration_seconds, resolution, aspect_ratio, audio, n, currency, quoted, actual, quote_error,
                 live_quote, billed_seconds, hold_id, price_book_version, result_urls, created_at, submitted_at, queued_at,
                 running_at, finished_at, updated_at]
      properties:
        id: { type: string, format: uuid }
        user_id: { type: string }
        origin: { type: string, enum: [submit, record] }
        provider: { type: string }
        model: { type: string, description: The provider's model slug. }
        family: { type: [string, "null"] }
        provider_job_id: { type: [string, "null"] }
        status: { $ref: "#/components/schemas/JobStatus" }
        failure_reason: { type: [string, "null"] }
        mode: { type: string }
        duration_seconds: { type: integer }
        resolution: { type: [string, "null"] }
        aspect_ratio: { type: [string, "null"] }
        audio: { type: boolean }
        n: { type: integer, minimum: 1, maximum: 16 }
        currency: { $ref: "#/components/schemas/Currency" }
        quoted: { $ref: "#/components/schemas/Decimal" }
        actual: { oneOf: [{ $ref: "#/components/schemas/Decimal" }, { type: "null" }] }
        quote_error:
          description: actual − quoted.
          oneOf: [{ $ref: "#/components/schemas/Decimal" }, { type: "null" }]
        live_quote:
          description: >-
            The provider's own price for the job when it was submitted (serve --live-quotes; Venice only),
            beside the catalog's quoted. Null when live quotes are off or the quote call failed.
          oneOf: [{ $ref: "#/components/schemas/Decimal" }, { type: "null" }]
        billed_seconds: { type: [integer, "null"] }
        hold_id: { type: [integer, "null"] }
        price_book_version: { type: string }
        result_urls: { type: array, items: { type: string } }
        created_at: { $ref: "#/components/schemas/Timestamp" }
        submitted_at: { oneOf: [{ $ref: "#/components/schemas/Timestamp" }, { type: "null" }] }
        queued_at: { oneOf: [{ $ref: "#/components/schemas/Timestamp" }, { type: "null" }] }
        running_at: { oneOf: [{ $ref: "#/components/schemas/Timestamp" }, { type: "null" }] }
        finished_at: { oneOf: [{ $ref: "#/components/schemas/Timestamp" }, { type: "null" }] }
        updated_at: { $ref: "#/components/schemas/Timestamp" }
    JobPage:
      type: object
      required: [jobs, next_cursor, limit]
      additionalProperties: false
      properties:
        jobs: { type: array, items: { $ref: "#/components/schemas/Job" } }
        next_cursor: { type: [string, "null"], description: Null on the last page. }
        limit: { type: integer, minimum: 1, maximum: 500 }
    Transfer:
      type: object
      required: [id, kind, amount, currency, created_at]
      properties:
        id: { type: integer }
        kind: { type: string, enum: [hold, capture, release, excess] }
        amount: { $ref: "#/components/schemas/Decimal" }
        currency: { $ref: "#/components/schemas/Currency" }
        created_at: { $ref: "#/components/schemas/Timestamp" }
    JobDetail:
      allOf:
        - { $ref: "#/components/schemas/Job" }
        - type: object
          required: [transfers]
          properties:
            transfers: { type: array, items: { $ref: "#/components/schemas/Transfer" } }
    JobRequest:
      description: A video spec plus who pays, which provider, and what to generate.
      allOf:
        - { $ref: "#/components/schemas/VideoSpec" }
        - type: object
          required: [user_id, provider, prompt]
          properties:
            user_id: { type: string }
            provider:
              description: A provider id, or "cheapest".
              type: string
              enum: [cheapest, aimo, openai-videos, venice, nanogpt, aigate]
            provider_job_id: { type: string, description: Record a job the caller already submitted. }
            prompt: { type: string }
    SpendAmount:
      type: object
      required: [currency, spent, jobs]
      additionalProperties: false
      properties:
        currency: { $ref: "#/components/schemas/Currency" }
        spent: { $ref: "#/components/schemas/Decimal" }
        jobs: { type: integer, minimum: 0, description: Settled jobs (holds captured). }
    SpendReport:
      type: object
      required: [user_id, from, to, group_by, totals, groups]
      additionalProperties: false
      properties:
        user_id: { type: string }
        from: { $ref: "#/components/schemas/Date" }
        to: { $ref: "#/components/schemas/Date" }
        group_by: { type: string, enum: [day, provider, family] }
        totals: { type: array, items: { $ref: "#/components/schemas/SpendAmount" } }
        groups:
          type: array
          items:
            type: object
            required: [key, currency, spent, jobs]
            additionalProperties: false
            properties:
              key: { type: string, description: The day (YYYY-MM-DD), provider or family. }
              currency: { $ref: "#/components/schemas/Currency" }
              spent: { $ref: "#/components/schemas/Decimal" }
              jobs: { type: integer, minimum: 0 }
    ProviderHealth:
      type: object
      required: [provider, balances, jobs_by_status, jobs_total, error_rate, completion_time, drift]
      additionalProperties: false
      properties:
        provider: { $ref: "#/components/schemas/ProviderID" }
        balances:
          description: The newest balance snapshot per currency the provider reported.
          type: array
          items:
            type: object
            required: [currency, amount, source, taken_at]
            additionalProperties: false
            properties:
              currency: { $ref: "#/components/schemas/Currency" }
              amount: { $ref: "#/components/schemas/Decimal" }
              source: { type: string }
              taken_at: { $ref: "#/components/schemas/Timestamp" }
        jobs_by_status:
          description: Jobs created in the window, by status (every status present).
          type: object
          required: [submitting, queued, running, completed, failed, cancelled, expired, unknown]
          additionalProperties: { type: integer, minimum: 0 }
        jobs_total: { type: integer, minimum: 0 }
        error_rate: { type: [number, "null"], minimum: 0, maximum: 1, description: failed ÷ total in the window. }
        completion_time:
          type: object
          required: [samples, p50_milliseconds, p95_milliseconds]
          additionalProperties: false
          properties:
            samples: { type: integer, minimum: 0 }
            p50_milliseconds: { type: [integer, "null"] }
            p95_milliseconds: { type: [integer, "null"] }
        drift:
          description: >-
            What the newest finished reconciliation concluded about this provider's balance; null
            before any reconciliation has finished.
          oneOf:
            - type: "null"
            - type: object
              required: [reconciliation_id, reconciled_at, amounts]
              additionalProperties: false
              properties:
                reconciliation_id: { type: string, format: uuid }
                reconciled_at: { type: string, format: date-time }
                amounts:
                  description: >-
                    Currencies whose balance moved beyond what recorded charges explain, by more than
                    the tolerance; empty when the balance matched.
                  type: array
                  items:
                    type: object
                    required: [currency, difference, severity]
                    additionalProperties: false
                    properties:
                      currency: { $ref: "#/components/schemas/Currency" }
                      difference: { $ref: "#/components/schemas/Decimal" }
                      severity: { type: string, enum: [info, warning, error] }
    ProviderOverview:
      type: object
      required: [window_hours, providers]
      additionalProperties: false
      properties:
        window_hours: { type: integer, minimum: 1, maximum: 168 }
        providers: { type: array, items: { $ref: "#/components/schemas/ProviderHealth" } }
    ReconciliationRequest:
      type: object
      required: [from, to]
      properties:
        from: { $ref: "#/components/schemas/Timestamp" }
        to: { $ref: "#/components/schemas/Timestamp" }
        providers: { type: array, items: { $ref: "#/components/schemas/ProviderID" } }
    Reconciliation:
      type: object
      required: [id, status, from, to, findings]
      properties:
        id: { type: string }
        status: { type: string }
        from: { $ref: "#/components/schemas/Timestamp" }
        to: { $ref: "#/components/schemas/Timestamp" }
        findings:
          type: array
          items:
            type: object
            required: [kind]
            properties:
              kind: { type: string }
              provider: { type: string }
              job_id: { type: [string, "null"] }
              expected: { oneOf: [{ $ref: "#/components/schemas/Decimal" }, { type: "null" }] }
              observed: { oneOf: [{ $ref: "#/components/schemas/Decimal" }, { type: "null" }] }
              detail: { type: string }
"""#
}
