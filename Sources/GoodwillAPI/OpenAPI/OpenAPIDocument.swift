// The OpenAPI 3.1 document served at /openapi.json, maintained by hand: when a route, parameter,
// body or error changes, change it here too. The parts that state a rule the server keeps in code
// (ranges, patterns, the currencies) come from OpenAPIRules. OpenAPITests hold it to the router
// and the handlers.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Goodwill",
    "version": "1",
    "description": "Gift cards and vouchers from issue to their last day, with goodwill. Money is {\"amount\": minor units, \"currency\": ISO 4217}; instants are RFC 3339 in UTC. Every POST that changes something requires an Idempotency-Key header (400 idempotency-key-required without one): the same key and body give back the first answer with Idempotent-Replayed: true; the same key with another body gets 422 idempotency-conflict. A request refused with a 4xx keeps nothing under its key (nothing was done, so there is no first answer to give back): the same key and body sent again are decided afresh on the voucher as it is then (a redemption refused as voucher-blocked goes through once the voucher is unblocked), and the key may still name another request. POST /v1/policies/validate and /v1/policies/simulate change nothing, take no Idempotency-Key and may simply be sent again. Keys are scoped to the API key. A body that gives a name twice in one object, at any depth, is refused with 422 invalid-request naming it (parsers differ on which of the two counts); so is a query parameter the operation does not list, or one given twice. Errors are RFC 9457 problem+json with a stable code, also for requests refused before they reach a route, after which the connection closes: 400 bad-request (malformed, or request smuggling: Content-Length with Transfer-Encoding, differing lengths), 408 request-timeout (headers or body too slow), 413 body-too-large (over 1 MiB), 414 uri-too-long (request line over 8 KiB), 431 headers-too-large (over 32 KiB or 100 fields), 501 not-implemented (a transfer coding other than chunked), 505 http-version-not-supported; and 503 over-capacity (with Retry-After: 1) to a connection beyond the server's connection limit, whatever it asks; and 503 database-upgraded to any request that needs the database once a newer goodwill has upgraded it under a running server (restart the server with that version); 503 storage-full (with Retry-After) when the server's disk is full and 503 storage-error when it cannot read or write its database files, to any request that needs them. x-roles on each operation lists the key roles that may call it; every other role gets 403."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "paths": {
    "/health": {
      "get": {
        "operationId": "health",
        "summary": "Liveness: answers while the server runs; 503 once its storage failed and it must be restarted.",
        "x-roles": [],
        "responses": {
          "200": {
            "description": "Running.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "ok"
                      ]
                    }
                  }
                }
              }
            }
          },
          "503": {
            "description": "The storage failed (a sync of the log was refused by the disk): every write is refused until the service is restarted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "failing"
                      ]
                    },
                    "reason": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus text: requests by route and status, latency histogram, vouchers by status, redemptions.",
        "x-roles": [],
        "responses": {
          "200": {
            "description": "Prometheus text exposition format 0.0.4.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "security": []
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document.",
        "x-roles": [],
        "responses": {
          "200": {
            "description": "OpenAPI 3.1.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "security": []
      }
    },
    "/v1/public/balance/{code}": {
      "get": {
        "operationId": "publicBalance",
        "summary": "A holder's balance check by code: status, balance and expiry, and past expiry any payout right the law still gives; nothing personal.",
        "x-roles": [],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PublicBalance"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "429": {
            "$ref": "#/components/responses/429"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "description": "Unauthenticated and rate-limited per client address (a token bucket: 10 at once, 10 a minute). Unknown, mistyped and malformed codes all get the same 404; after 3 such misses each further one locks the address out for twice as long as the last (429 with Retry-After), so codes cannot be enumerated.",
        "parameters": [
          {
            "name": "code",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The voucher code as printed (case, spaces and dashes do not matter)."
          }
        ],
        "security": []
      }
    },
    "/v1/vouchers": {
      "post": {
        "operationId": "issueVoucher",
        "summary": "Issue a voucher.",
        "x-roles": [
          "admin",
          "issuer"
        ],
        "responses": {
          "201": {
            "description": "Issued.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Voucher"
                }
              }
            },
            "headers": {
              "Location": {
                "description": "/v1/vouchers/{id}",
                "schema": {
                  "type": "string"
                }
              },
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/IssueRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      },
      "get": {
        "operationId": "listVouchers",
        "summary": "List vouchers, oldest first, a page at a time.",
        "x-roles": [
          "admin",
          "issuer",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/VoucherPage"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "name": "status",
            "in": "query",
            "schema": {
              "$ref": "#/components/schemas/VoucherStatus"
            }
          },
          {
            "name": "expiring_within_days",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": \#(OpenAPIRules.expiringWithinDays.lowerBound),
              "maximum": \#(OpenAPIRules.expiringWithinDays.upperBound)
            },
            "description": "Only active vouchers whose expiry falls within this many days."
          },
          {
            "name": "holder_email",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string",
              "pattern": "\#(OpenAPIRules.cursor)"
            },
            "description": "next_cursor of the previous page: a whole number from 0 up, in digits. One beyond 9223372036854775807 (64 bits) is refused with 422 invalid-request."
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{code-or-id}": {
      "get": {
        "operationId": "getVoucher",
        "summary": "One voucher, by its code or its ID.",
        "x-roles": [
          "admin",
          "issuer",
          "redeemer",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Voucher"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "name": "code-or-id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "A code as printed, or an ID (vch_…). A redeemer key may use codes only (403 for an ID)."
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/redemptions": {
      "post": {
        "operationId": "redeem",
        "summary": "Redeem part or all of the balance.",
        "x-roles": [
          "admin",
          "redeemer"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "description": "Refused with 409 insufficient-balance (with the balance), voucher-expired (with last_valid_day, goodwill: what the goodwill policy would do, and, where the law still lets the holder take the balance out as money, payout_claimable and payout_claimable_until), voucher-blocked, voucher-voided or voucher-refunded; a voucher used in full answers insufficient-balance with a balance of 0.",
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RedemptionRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/reversals": {
      "post": {
        "operationId": "reverseRedemption",
        "summary": "Reverse a redemption once, putting its amount back.",
        "x-roles": [
          "admin",
          "redeemer"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "description": "A redeemer key reverses only redemptions it made itself (403 not-your-redemption).",
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ReversalRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/void": {
      "post": {
        "operationId": "voidVoucher",
        "summary": "Void a voucher: it can no longer be used.",
        "x-roles": [
          "admin"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ReasonRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/block": {
      "post": {
        "operationId": "blockVoucher",
        "summary": "Block a voucher until the reason is cleared.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ReasonRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/unblock": {
      "post": {
        "operationId": "unblockVoucher",
        "summary": "Unblock a blocked voucher.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ReasonRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/adjustments": {
      "post": {
        "operationId": "adjustVoucher",
        "summary": "Correct the balance up or down, with a reason.",
        "x-roles": [
          "admin"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AdjustmentRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/refunds": {
      "post": {
        "operationId": "refundVoucher",
        "summary": "Pay back the remaining balance.",
        "x-roles": [
          "admin"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RefundRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/entries": {
      "get": {
        "operationId": "voucherEntries",
        "summary": "The voucher's ledger entries, oldest first.",
        "x-roles": [
          "admin",
          "issuer",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntryList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/goodwill": {
      "get": {
        "operationId": "goodwillDryRun",
        "summary": "What the active goodwill policy would decide now, with its trace. Changes nothing.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Decision"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "name": "requester",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "holder",
                "agent"
              ],
              "default": "holder"
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/extensions": {
      "post": {
        "operationId": "requestExtension",
        "summary": "Ask for a goodwill extension: the policy decides, or support/admin grant days by hand.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Receipt"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "description": "Without days the active policy decides; a grant is applied at once, a referral or refusal is recorded and returned in decision. With days a person decides; beyond the policy it needs override: true (422 override-required otherwise).",
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ExtensionRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/vouchers/{id}/reminders": {
      "get": {
        "operationId": "voucherReminders",
        "summary": "The voucher's reminders and their delivery attempts.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReminderList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/VoucherID"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/policies": {
      "get": {
        "operationId": "listPolicies",
        "summary": "Every stored policy version and which is active.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/policies/validate": {
      "post": {
        "operationId": "validatePolicy",
        "summary": "Check a policy without storing it.",
        "description": "Checks the policy as POST /v1/policies/activate would, against this server's database, and stores nothing. 422 invalid-policy names the file, rule and field of a problem in the policy, or says that its id and version is already stored with other content (activate refuses that too, in the same words, and names the next free version). 200 says whether this version is stored and active already.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyValidation"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PolicySource"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/policies/activate": {
      "post": {
        "operationId": "activatePolicy",
        "summary": "Store (if new) and activate a policy version.",
        "x-roles": [
          "admin"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PolicyInfo"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PolicySource"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/policies/simulate": {
      "post": {
        "operationId": "simulatePolicy",
        "summary": "Replay history through a candidate policy against what happened. Changes nothing.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SimulationReport"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SimulationRequest"
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/holders/{id}": {
      "get": {
        "operationId": "getHolder",
        "summary": "Everything known about a holder: profile, vouchers held and bought, open cases, and one timeline (entries, goodwill decisions, messages, notes, cases), newest first.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HolderView"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^hld_"
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/reminders": {
      "get": {
        "operationId": "listReminders",
        "summary": "Reminders in one status (all, newest first, without status).",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReminderList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "422": {
            "$ref": "#/components/responses/422"
          }
        },
        "parameters": [
          {
            "name": "status",
            "in": "query",
            "schema": {
              "$ref": "#/components/schemas/OutboxStatus"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/reminders/{id}/retry": {
      "post": {
        "operationId": "retryReminder",
        "summary": "Send a failed reminder again at the next run, under the same message id.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Reminder"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "410": {
            "$ref": "#/components/responses/410"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/holders": {
      "get": {
        "operationId": "searchHolders",
        "summary": "Find holders by part of an email or name, or by a voucher code.",
        "x-roles": [
          "admin",
          "support",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "holders"
                  ],
                  "properties": {
                    "holders": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/HolderMatch"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "q",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 2
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 500,
              "default": 50
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/holders/{id}/notes": {
      "post": {
        "operationId": "addHolderNote",
        "summary": "Write a support note on a holder's record.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Note"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "410": {
            "$ref": "#/components/responses/410"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "description": "hld_… or an email address"
            }
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/NoteRequest"
              }
            }
          }
        }
      }
    },
    "/v1/holders/{id}/close": {
      "post": {
        "operationId": "closeHolder",
        "summary": "A holder leaves: refunds where the jurisdiction (or refund_all) allows, pending reminders dropped, one farewell in their language, personal data erased on request. One transaction; a payout_reference an earlier close was given (another holder's, or this holder's before they came back; letter case aside) is 409 payout-reference-used; a second call changes nothing and answers with already_closed, until the holder comes back (a voucher issued to them or bought by them): a close after that is a new close of the vouchers live then.",
        "x-roles": [
          "admin"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CloseResult"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "410": {
            "$ref": "#/components/responses/410"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "description": "hld_… or an email address"
            }
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CloseRequest"
              }
            }
          }
        }
      }
    },
    "/v1/cases": {
      "post": {
        "operationId": "openCase",
        "summary": "Open a support case for a holder; while it is open the goodwill policy sees has_open_support_case.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Case"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "410": {
            "$ref": "#/components/responses/410"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CaseRequest"
              }
            }
          }
        }
      }
    },
    "/v1/cases/{id}/close": {
      "post": {
        "operationId": "closeCase",
        "summary": "Close a support case with its resolution.",
        "x-roles": [
          "admin",
          "support"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Case"
                }
              }
            },
            "headers": {
              "Idempotent-Replayed": {
                "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key and body.",
                "schema": {
                  "type": "string",
                  "enum": [
                    "true"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "410": {
            "$ref": "#/components/responses/410"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          },
          {
            "$ref": "#/components/parameters/IdempotencyKey"
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResolutionRequest"
              }
            }
          }
        }
      }
    },
    "/v1/reports/{name}": {
      "get": {
        "operationId": "getReport",
        "summary": "A finance report as of now: liability, breakage, goodwill, redemption, reconciliation, ageing, or curves (redemption curves per cohort). They take no query parameters. The expiring report (which takes days) is GET /v1/reports/expiring, the roll-forward over a period GET /v1/reports/rollforward.",
        "x-roles": [
          "admin",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Report"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "enum": [\#(OpenAPIRules.reportsByName)]
            }
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/reports/expiring": {
      "get": {
        "operationId": "getExpiringReport",
        "summary": "The expiring report as of now: the balances of active vouchers whose expiry falls within the next days, per currency.",
        "x-roles": [
          "admin",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Report"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "days",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": \#(OpenAPIRules.expiringReportDays.lowerBound),
              "maximum": \#(OpenAPIRules.expiringReportDays.upperBound),
              "default": 30
            },
            "description": "How many days ahead to look."
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    },
    "/v1/reports/rollforward": {
      "get": {
        "operationId": "getRollForward",
        "summary": "The liability roll-forward over a period, per currency: the liability at the opening, every flow by kind (issued, redeemed, redemption reversals, refunds, voids, adjustments, breakage, reinstatements), and the liability at the closing, each of opening and closing computed on its own from the vouchers' state at that instant; balanced says whether opening + flows = closing. Escheat is not a flow the ledger records (not_recorded). 422 invalid-request for a missing or malformed from or to, to before from, a from before 1970-01-01 or after today, or a time_zone that is not an IANA zone.",
        "x-roles": [
          "admin",
          "auditor"
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RollForwardReport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "422": {
            "$ref": "#/components/responses/422"
          },
          "503": {
            "$ref": "#/components/responses/503"
          }
        },
        "parameters": [
          {
            "name": "from",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "format": "date",
              "pattern": "^(?:19[7-9][0-9]|[2-9][0-9]{3})-"
            },
            "description": "The period's first day, from 1970-01-01 on and not after today (the server's clock: a later day is refused with 422 invalid-request). The period opens at its start (00:00) in time_zone."
          },
          {
            "name": "to",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "format": "date"
            },
            "description": "The period's last day, included. The period closes at its end (24:00) in time_zone, or now when that is later than now (the report never projects). Not before from."
          },
          {
            "name": "time_zone",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "default": "UTC"
            },
            "description": "The IANA zone the days begin and end in (Europe/Stockholm); a fixed offset such as GMT+1 is refused with 422 invalid-request, and so is a name this machine's time zone database does not hold (which names it holds depends on the machine, so the schema cannot list them)."
          }
        ],
        "security": [
          {
            "bearer": []
          }
        ]
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from 'goodwill keys create'."
      }
    },
    "parameters": {
      "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": true,
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 255
        },
        "description": "1 to 255 visible ASCII characters, a fresh one per request (a UUID); reuse it only to retry the same request: a key already used for a different request (another body, operation or voucher) is refused with 422 idempotency-conflict. Bodies are compared as JSON: the same members and values with other spacing, member order or escapes are the same request; numbers are compared as written. A voucher named by its ID on one try and by its code on another is the same voucher. Only a request carried out is kept under it; after one refused with a 4xx, a retry is decided afresh. Without it, empty, or sent twice: 400 idempotency-key-required."
      },
      "VoucherID": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string"
        },
        "description": "The voucher's ID (vch_…) or its code."
      }
    },
    "responses": {
      "400": {
        "description": "malformed-json (the body does not parse) or idempotency-key-required.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "401": {
        "description": "unauthorized: no key, an unknown key or a revoked one.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string"
            }
          }
        }
      },
      "403": {
        "description": "forbidden: the key's role may not do this (see x-roles), or not-your-redemption, or not-permitted.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "404": {
        "description": "voucher-not-found, code-check-failed, invalid-code, entry-not-found, holder-not-found, reminder-not-found, case-not-found, report-not-found, policy-file-not-found, not-found.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "409": {
        "description": "The voucher's state refuses it: insufficient-balance, voucher-expired, voucher-voided, voucher-refunded, voucher-blocked, voucher-fully-used, already-reversed, already-in-state, not-blocked, nothing-to-refund, no-expiry, reminder-not-failed, case-already-closed, payout-reference-used (a holder's close given the payout_reference of an earlier close: one reference, one payment). On reports, total-too-large: the books hold vouchers with amounts too large to add up (the detail says how to find and fix them).",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "410": {
        "description": "answer-erased: a retry (same Idempotency-Key and body) of a request carried out before the holder's personal data was erased; its stored answer went with that data and nothing was done now.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "422": {
        "description": "invalid-request (a field is wrong, missing or unknown, at any depth: holder.emial; a whole-number field or query parameter outside its minimum and maximum, also one beyond 64 bits or with a fraction; or a query parameter the operation does not list, or one given twice, on every operation), invalid-amount (zero or less, or not whole minor units: 99.50 or \"9950\" where 9950 is meant), currency-mismatch, idempotency-conflict (the Idempotency-Key was already used, with this API key, for a different request: another body, operation or voucher; a schema cannot say which keys are taken, so a well-formed request can get this), below-legal-minimum, invalid-policy, override-required, not-a-redemption, imported-redemption.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "429": {
        "description": "rate-limited.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            },
            "description": "Seconds to wait."
          }
        }
      },
      "503": {
        "description": "busy or database-busy: retry the same request with the same Idempotency-Key. On reports, simulations, policy validation and activation (a policy is loaded where reports run) and the holder search, busy: too many are running or waiting; retry in a minute. storage-failed: the server could not make a write durable and refuses every write until it is restarted; do not retry, tell the operator. database-upgraded: a newer goodwill has upgraded the database under this server, which must be restarted with that version; do not retry, tell the operator. storage-full: the server's disk is full and nothing of the request was stored; retry later (Retry-After) with the same Idempotency-Key, and tell the operator. storage-error: the server cannot read or write its database (files not writable, damaged, or a disk error); nothing was done; tell the operator.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            }
          }
        }
      }
    },
    "schemas": {
      "Money": {
        "type": "object",
        "required": [
          "amount",
          "currency"
        ],
        "properties": {
          "amount": {
            "type": "integer",
            "description": "Whole minor units (öre, cents): 9950 is 99.50 SEK. In a request, an amount has the schema of its field (IssueValue, PositiveAmount, AdjustmentAmount)."
          },
          "currency": \#(OpenAPIRules.currency)
        },
        "additionalProperties": false
      },
      "IssueValue": \#(OpenAPIRules.issueValue),
      "PositiveAmount": \#(OpenAPIRules.positiveAmount),
      "AdjustmentAmount": \#(OpenAPIRules.adjustmentAmount),
      "OutboxStatus": {
        "type": "string",
        "enum": [
          "pending",
          "sending",
          "sent",
          "failed",
          "cancelled"
        ],
        "description": "Where a message is: pending or sending (not gone out yet), sent, failed (given up after its tries, or refused for good), cancelled (no longer due: the voucher or holder changed)."
      },
      "VoucherStatus": {
        "type": "string",
        "enum": [
          "active",
          "redeemed",
          "expired",
          "voided",
          "blocked",
          "refunded"
        ]
      },
      "Person": {
        "type": "object",
        "required": [
          "id"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "locale": {
            "type": "string"
          },
          "time_zone": {
            "type": "string"
          }
        }
      },
      "PersonInput": {
        "type": "object",
        "required": [
          "email"
        ],
        "properties": {
          "email": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.email)",
            "description": "An email address; a person is found again by it. White space at either end is trimmed; what is left has at most \#(OpenAPIRules.emailMaxCodePoints) code points, exactly one @ with something before it, and after it a domain with a dot that is neither its first nor its last code point, and no white space, newline, control or invisible format character anywhere (422 invalid-request otherwise). The pattern states all of it but the \#(OpenAPIRules.emailMaxCodePoints) code points and the few format characters beyond the Basic Multilingual Plane (such as U+E0001 LANGUAGE TAG), which the server refuses as well. Not null."
          },
          "name": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 200 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          },
          "locale": {
            "description": "A language tag in its common shape: a language of 2 or 3 ASCII letters, then at most two subtags of 2 to 8 ASCII letters or digits, each after a hyphen, such as en, sv-SE or zh-Hant-TW (422 invalid-request otherwise). null is the same as leaving it out.",
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.locale)"
          },
          "time_zone": {
            "description": "An IANA time zone name, such as Europe/Stockholm; a fixed offset such as GMT+2 is refused (422), and so is a name this machine's time zone database does not hold (422 invalid-request: which names it holds depends on the machine, so the schema cannot list them). null is the same as leaving it out.",
            "type": [
              "string",
              "null"
            ]
          }
        },
        "additionalProperties": false
      },
      "Validity": {
        "description": "How long a voucher is valid: months from the day of issue, a last day, or none. What a schema cannot state, as it depends on the day and the policy: a last_day before the day of issue (in the voucher's time zone) is refused with 422 invalid-request, and a validity the jurisdiction in force does not allow (shorter than its minimum, or any last day where its law allows none) with 422 below-legal-minimum.",
        "oneOf": [
          {
            "type": "object",
            "required": [
              "months"
            ],
            "properties": {
              "months": {
                "type": "integer",
                "minimum": \#(OpenAPIRules.validityMonths.lowerBound),
                "maximum": \#(OpenAPIRules.validityMonths.upperBound)
              }
            },
            "additionalProperties": false
          },
          {
            "type": "object",
            "required": [
              "last_day"
            ],
            "properties": {
              "last_day": {
                "type": "string",
                "format": "date",
                "description": "The voucher's last valid day, from the day of issue on (422 invalid-request for an earlier day)."
              }
            },
            "additionalProperties": false
          },
          {
            "type": "object",
            "required": [
              "none"
            ],
            "properties": {
              "none": {
                "const": true
              }
            },
            "additionalProperties": false
          }
        ]
      },
      "IssueRequest": {
        "type": "object",
        "required": [
          "value"
        ],
        "additionalProperties": false,
        "description": "Fields left out take the issuer's defaults (12 months, Europe/Stockholm, gift_card).",
        "properties": {
          "value": {
            "$ref": "#/components/schemas/IssueValue"
          },
          "validity": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Validity"
              },
              {
                "type": "null"
              }
            ],
            "description": "null is the same as leaving it out: the issuer's validity."
          },
          "time_zone": {
            "description": "An IANA time zone name, such as Europe/Stockholm; a fixed offset such as GMT+2 is refused (422), and so is a name this machine's time zone database does not hold (422 invalid-request: which names it holds depends on the machine, so the schema cannot list them). null is the same as leaving it out: the issuer's zone.",
            "type": [
              "string",
              "null"
            ]
          },
          "holder": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/PersonInput"
              },
              {
                "type": "null"
              }
            ],
            "description": "null is the same as leaving it out: no holder."
          },
          "purchaser": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/PersonInput"
              },
              {
                "type": "null"
              }
            ],
            "description": "null is the same as leaving it out: no purchaser."
          },
          "kind": {
            "description": "null is the same as leaving it out: the issuer's kind.",
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "gift_card",
              "experience",
              null
            ]
          },
          "experience": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "What the experience voucher is for. Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          },
          "message": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "The gift message. Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 2000 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          }
        }
      },
      "Voucher": {
        "type": "object",
        "required": [
          "id",
          "code",
          "status",
          "value",
          "balance",
          "issued_at",
          "expires_at",
          "last_valid_day",
          "time_zone",
          "holder",
          "purchaser",
          "kind",
          "experience",
          "message",
          "issuer"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "code": {
            "type": "string"
          },
          "status": {
            "$ref": "#/components/schemas/VoucherStatus"
          },
          "value": {
            "$ref": "#/components/schemas/Money"
          },
          "balance": {
            "$ref": "#/components/schemas/Money"
          },
          "issued_at": {
            "type": "string",
            "format": "date-time"
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "last_valid_day": {
            "type": [
              "string",
              "null"
            ],
            "format": "date"
          },
          "time_zone": {
            "type": "string"
          },
          "holder": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Person"
              },
              {
                "type": "null"
              }
            ]
          },
          "purchaser": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Person"
              },
              {
                "type": "null"
              }
            ]
          },
          "kind": {
            "type": "string",
            "enum": [
              "gift_card",
              "experience"
            ]
          },
          "experience": {
            "type": [
              "string",
              "null"
            ]
          },
          "message": {
            "type": [
              "string",
              "null"
            ]
          },
          "issuer": {
            "type": "string"
          },
          "payout_claimable": {
            "$ref": "#/components/schemas/Money",
            "description": "Present only on a voucher past expiry with a balance where the jurisdiction in force still gives the holder the right to take it out as money (Denmark: a year after expiry; a balance under a cash-out threshold): the balance they may claim, paid out with POST /v1/vouchers/{id}/refunds and the payout reference. The rule the goodwill decision's payout_claimable uses. Absent on a voucher still valid, blocked, voided, refunded or used up, elsewhere, and after the right's last day."
          },
          "payout_claimable_until": {
            "type": "string",
            "format": "date",
            "description": "With payout_claimable: the last day (in the voucher's zone) the holder may claim it. Absent when the right has no end (a balance under a cash-out threshold)."
          }
        }
      },
      "VoucherPage": {
        "type": "object",
        "required": [
          "vouchers"
        ],
        "properties": {
          "vouchers": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Voucher"
            }
          },
          "next_cursor": {
            "type": "string",
            "description": "Absent on the last page."
          }
        }
      },
      "Entry": {
        "type": "object",
        "required": [
          "id",
          "voucher_id",
          "kind",
          "amount",
          "balance_after",
          "at",
          "actor",
          "status_after",
          "hash"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "voucher_id": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "issued",
              "redeemed",
              "redemption_reversed",
              "extended",
              "expired",
              "voided",
              "blocked",
              "unblocked",
              "adjusted",
              "refunded"
            ]
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          },
          "balance_after": {
            "$ref": "#/components/schemas/Money"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "actor": {
            "type": "string",
            "description": "The API key's name."
          },
          "reason": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "related_entry_id": {
            "type": "integer"
          },
          "last_valid_day_after": {
            "type": "string",
            "format": "date"
          },
          "expires_at_after": {
            "type": "string",
            "format": "date-time"
          },
          "status_after": {
            "$ref": "#/components/schemas/VoucherStatus"
          },
          "decision_id": {
            "type": "integer"
          },
          "hash": {
            "type": "string"
          }
        }
      },
      "EntryList": {
        "type": "object",
        "required": [
          "voucher_id",
          "entries"
        ],
        "properties": {
          "voucher_id": {
            "type": "string"
          },
          "entries": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Entry"
            }
          }
        }
      },
      "Receipt": {
        "type": "object",
        "required": [
          "voucher",
          "replayed"
        ],
        "properties": {
          "voucher": {
            "$ref": "#/components/schemas/Voucher",
            "description": "The voucher as the request left it. When an unblock, reversal or adjustment leaves a voucher past its last valid day with its expiry not yet recorded, the expiry sweep's step follows at the same instant (goodwill at expiry, then an extended or an expired entry by system): this is the voucher after that step."
          },
          "entry": {
            "$ref": "#/components/schemas/Entry",
            "description": "The entry the request appended (the request's own, not the expiry step's that may follow it)."
          },
          "replayed": {
            "type": "boolean"
          },
          "decision": {
            "$ref": "#/components/schemas/Decision",
            "description": "The goodwill decision: of an extension request, of a redemption accepted by soft expiry, or of the goodwill at expiry that an unblock, reversal or adjustment past the last valid day ran (a grant, or a grant a limit stopped)."
          }
        }
      },
      "RedemptionRequest": {
        "type": "object",
        "required": [
          "amount"
        ],
        "additionalProperties": false,
        "properties": {
          "amount": {
            "$ref": "#/components/schemas/PositiveAmount"
          },
          "reference": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "The till's own reference for the sale. Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 200 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          }
        }
      },
      "ReversalRequest": {
        "type": "object",
        "required": [
          "entry_id"
        ],
        "additionalProperties": false,
        "properties": {
          "entry_id": {
            "type": "integer",
            "minimum": 1
          },
          "reason": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          }
        }
      },
      "ReasonRequest": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "reason": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          }
        }
      },
      "AdjustmentRequest": {
        "type": "object",
        "required": [
          "amount",
          "reason"
        ],
        "additionalProperties": false,
        "properties": {
          "amount": {
            "$ref": "#/components/schemas/AdjustmentAmount",
            "description": "Signed: negative takes away."
          },
          "reason": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "Why: an adjustment always has a reason. Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          }
        }
      },
      "RefundRequest": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "reference": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "The payout's reference (a bank transfer or payment id). Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 200 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          },
          "reason": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.optionalText)",
            "description": "Plain text: white space and newlines at either end are trimmed (left blank, it counts as not given), and what is left holds no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request. null is the same as leaving it out."
          }
        }
      },
      "ExtensionRequest": {
        "type": "object",
        "required": [
          "reason"
        ],
        "additionalProperties": false,
        "properties": {
          "days": {
            "description": "Days granted by hand (a person decides; beyond what the policy grants it needs override). Left out, or null, the policy decides.",
            "type": [
              "integer",
              "null"
            ],
            "minimum": \#(OpenAPIRules.extensionDays.lowerBound),
            "maximum": \#(OpenAPIRules.extensionDays.upperBound)
          },
          "reason": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          },
          "override": {
            "description": "Confirms days granted beyond the policy; true without days is refused with 422 invalid-request. null is the same as leaving it out: false.",
            "type": [
              "boolean",
              "null"
            ]
          },
          "requester": {
            "description": "null is the same as leaving it out: holder.",
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "holder",
              "agent",
              null
            ]
          }
        }
      },
      "Decision": {
        "type": "object",
        "description": "A goodwill policy decision with its facts and the trace of the rules that matched.",
        "required": [
          "voucher_id",
          "policy",
          "outcome",
          "explanation",
          "trace",
          "facts"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "voucher_id": {
            "type": "string"
          },
          "policy": {
            "type": "object",
            "properties": {
              "id": {
                "type": "string"
              },
              "version": {
                "type": "integer"
              },
              "hash": {
                "type": "string"
              }
            }
          },
          "requester": {
            "type": "string"
          },
          "outcome": {
            "type": "string",
            "enum": [
              "grant",
              "refer",
              "deny",
              "no_rule"
            ]
          },
          "rule": {
            "type": "string"
          },
          "days": {
            "type": "integer"
          },
          "new_last_valid_day": {
            "type": "string"
          },
          "message_key": {
            "type": "string",
            "description": "The message the rule's outcome names (grant, refer and deny)."
          },
          "alternative": {
            "type": "object",
            "description": "On deny: what the rule offers instead.",
            "properties": {
              "messageKey": {
                "type": "string"
              },
              "percent": {
                "type": "integer"
              }
            }
          },
          "limit_applied": {
            "type": "object",
            "description": "The limit that turned the rule's grant into a refer or deny.",
            "properties": {
              "limit": {
                "type": "string"
              },
              "detail": {
                "type": "string"
              }
            }
          },
          "explanation": {
            "type": "string",
            "description": "In words for a support agent. For no_rule it says what then happens for who asked: a person decides (holder, agent), the till refuses the expired voucher (redemption), the sweep records the expiry (system). Beside a refer, deny or no_rule on an expired voucher where the law still lets the holder take the balance out as money, it ends with that right, its last day and how to pay it out."
          },
          "payout_claimable": {
            "$ref": "#/components/schemas/Money",
            "description": "Present beside a refer, deny or no_rule on an expired voucher where the jurisdiction in force still gives the holder a payout right (Denmark: a year after expiry; a balance under a cash-out threshold): the balance they may claim as money, paid out with POST /v1/vouchers/{id}/refunds. The decision itself is unchanged. Stored with the decision."
          },
          "payout_claimable_until": {
            "type": "string",
            "format": "date",
            "description": "With payout_claimable: the last day (in the voucher's zone) the holder may claim it. Absent when the right has no end (a balance under a cash-out threshold)."
          },
          "trace": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "facts": {
            "type": "object"
          },
          "applied": {
            "type": "object"
          }
        }
      },
      "PolicyInfo": {
        "type": "object",
        "required": [
          "id",
          "version",
          "hash",
          "active"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "version": {
            "type": "integer"
          },
          "hash": {
            "type": "string"
          },
          "file_name": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "jurisdiction": {
            "type": "string"
          },
          "rules": {
            "type": "integer"
          },
          "active": {
            "type": "boolean"
          },
          "added_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "PolicyList": {
        "type": "object",
        "required": [
          "policies"
        ],
        "properties": {
          "policies": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PolicyInfo"
            }
          }
        }
      },
      "PolicySource": {
        "type": "object",
        "additionalProperties": false,
        "description": "Exactly one of file (a file in the server's --policies folder) or policy (the document itself); both, or neither, is refused with 422 invalid-request.",
        "oneOf": [
          {
            "required": [
              "file"
            ]
          },
          {
            "required": [
              "policy"
            ]
          }
        ],
        "properties": {
          "file": {
            "$ref": "#/components/schemas/PolicyFileName"
          },
          "policy": {
            "type": "object",
            "description": "The policy document itself (Policies/README.md), of at most \#(OpenAPIRules.policyMaxRules) rules. The policy loader checks its rules, which this schema does not repeat: one it refuses (more rules than that among them) is 422 invalid-policy, saying what is wrong."
          }
        }
      },
      "PolicyFileName": {
        "type": "string",
        "pattern": "^[^./][^/]*\\.json$",
        "description": "A file in the server's policies folder (serve --policies DIR), like generous.json: a name ending in .json, not starting with a dot, with no slash; at most 200 bytes in UTF-8, longer is refused with 422 invalid-request. A server without a policies folder refuses every file with 422 invalid-request (send the policy itself); a name the folder does not hold is 404 policy-file-not-found."
      },
      "SimulationRequest": {
        "type": "object",
        "additionalProperties": false,
        "description": "Exactly one of file (a file in the server's --policies folder) or policy (the document itself); both, or neither, is refused with 422 invalid-request.",
        "oneOf": [
          {
            "required": [
              "file"
            ]
          },
          {
            "required": [
              "policy"
            ]
          }
        ],
        "properties": {
          "file": {
            "$ref": "#/components/schemas/PolicyFileName"
          },
          "policy": {
            "type": "object",
            "description": "The policy document itself (Policies/README.md), of at most \#(OpenAPIRules.policyMaxRules) rules. The policy loader checks its rules, which this schema does not repeat: one it refuses (more rules than that among them) is 422 invalid-policy, saying what is wrong."
          },
          "from": {
            "type": "string",
            "format": "date"
          },
          "to": {
            "type": "string",
            "format": "date"
          },
          "rows": {
            "type": "integer",
            "minimum": \#(OpenAPIRules.simulationRows.lowerBound),
            "maximum": \#(OpenAPIRules.simulationRows.upperBound),
            "default": \#(OpenAPIRules.simulationDefaultRows)
          }
        }
      },
      "PolicyValidation": {
        "type": "object",
        "required": [
          "valid",
          "id",
          "version",
          "rules",
          "hash",
          "stored",
          "active"
        ],
        "properties": {
          "valid": {
            "const": true
          },
          "id": {
            "type": "string"
          },
          "version": {
            "type": "integer"
          },
          "rules": {
            "type": "integer"
          },
          "hash": {
            "type": "string",
            "description": "SHA-256 of the policy's bytes, hex."
          },
          "stored": {
            "type": "boolean",
            "description": "This id and version is stored already, with this same content: activating only makes it the active policy. False: activating stores it."
          },
          "active": {
            "type": "boolean",
            "description": "This id and version is the active policy now."
          }
        }
      },
      "SimulationReport": {
        "type": "object",
        "description": "Candidate against actual over vouchers whose last valid day is in [from, to]. Both sides are counted alike, each voucher up to and including its first extension after expiry (the candidate: its first grant); later requests are left out on both sides.",
        "properties": {
          "policy_id": {
            "type": "string"
          },
          "policy_version": {
            "type": "integer"
          },
          "from": {
            "type": "string"
          },
          "to": {
            "type": "string"
          },
          "vouchers": {
            "type": "integer"
          },
          "actual": {
            "type": "object",
            "description": "What happened: extended (vouchers extended after expiry, a person's grant included), days_granted and value_kept_alive (of that first extension only), later_redeemed, and refers and denials (the policy's own, before that extension; a person's grant stored beside the policy's refer is not counted)."
          },
          "candidate": {
            "type": "object",
            "description": "What this policy would have done, counted as actual is: its first grant's days and value, and the referrals and denials before it that live would record (a holder's or agent's request; the expiry sweep's only when a limit stopped its grant; none at the till)."
          },
          "changed": {
            "type": "integer",
            "description": "Vouchers extended on one side only."
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object"
            }
          }
        }
      },
      "HolderView": {
        "type": "object",
        "required": [
          "profile",
          "vouchers",
          "open_cases",
          "timeline"
        ],
        "properties": {
          "profile": {
            "type": "object",
            "required": [
              "id",
              "first_seen",
              "tenure_days",
              "tenure"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "name": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "email": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "locale": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "time_zone": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "first_seen": {
                "type": "string",
                "format": "date-time"
              },
              "tenure_days": {
                "type": "integer"
              },
              "tenure": {
                "type": "string"
              },
              "closed_at": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "erased_at": {
                "type": [
                  "string",
                  "null"
                ]
              }
            }
          },
          "vouchers": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "role",
                "voucher"
              ],
              "properties": {
                "role": {
                  "type": "string",
                  "enum": [
                    "holder",
                    "purchaser",
                    "both"
                  ]
                },
                "voucher": {
                  "$ref": "#/components/schemas/Voucher"
                }
              }
            }
          },
          "open_cases": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Case"
            }
          },
          "timeline": {
            "type": "array",
            "description": "Newest first.",
            "items": {
              "type": "object",
              "required": [
                "at",
                "kind",
                "summary"
              ],
              "properties": {
                "at": {
                  "type": "string",
                  "format": "date-time"
                },
                "kind": {
                  "type": "string",
                  "enum": [
                    "joined",
                    "entry",
                    "decision",
                    "reminder",
                    "note",
                    "case_opened",
                    "case_closed",
                    "closed",
                    "reopened"
                  ]
                },
                "voucher_code": {
                  "type": "string"
                },
                "summary": {
                  "type": "string"
                },
                "entry": {
                  "$ref": "#/components/schemas/Entry"
                },
                "decision": {
                  "type": "object"
                },
                "reminder": {
                  "type": "object",
                  "description": "id, kind, status, recipient, channel, attempts, error; for a dropped message cancelled_at (when, if recorded) and cancel_kind (as in Reminder). A message sits in the timeline when it was sent or dropped, else at its last attempt, else when it was queued; one dropped before drop times were recorded sits where it was queued or last tried, and its summary says so."
                },
                "note": {
                  "$ref": "#/components/schemas/Note"
                },
                "case": {
                  "$ref": "#/components/schemas/Case"
                }
              }
            }
          }
        }
      },
      "Reminder": {
        "type": "object",
        "description": "One outbox message. Fields without a value are left out.",
        "required": [
          "id",
          "message_id",
          "voucher_id",
          "kind",
          "recipient",
          "status",
          "due_at",
          "attempts",
          "history"
        ],
        "additionalProperties": false,
        "properties": {
          "id": {
            "type": "integer"
          },
          "message_id": {
            "type": "string",
            "description": "Stable across retries: the Message-ID, the webhook-id and the maildir name, which receivers use to drop duplicates."
          },
          "voucher_id": {
            "type": "string"
          },
          "code": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "expiry_reminder",
              "gift_notice",
              "extension_granted",
              "refund_closing",
              "farewell"
            ]
          },
          "days_before": {
            "type": "integer",
            "description": "Which step of the cadence (30, 7, 1; the gift notice's days), for expiry reminders and gift notices."
          },
          "recipient": {
            "type": "string",
            "enum": [
              "holder",
              "purchaser"
            ]
          },
          "status": {
            "$ref": "#/components/schemas/OutboxStatus"
          },
          "due_at": {
            "type": "string",
            "format": "date-time"
          },
          "next_attempt_at": {
            "type": "string",
            "format": "date-time",
            "description": "When a pending message goes out next (after the recipient's night, or a retry's wait)."
          },
          "sent_at": {
            "type": "string",
            "format": "date-time"
          },
          "expires_at": {
            "type": "string",
            "format": "date-time",
            "description": "The expiry the message is about (expiry reminders, gift notices, extensions)."
          },
          "entry_id": {
            "type": "integer",
            "description": "The ledger entry an event message follows (an extension, a refund)."
          },
          "attempts": {
            "type": "integer"
          },
          "channel": {
            "type": "string",
            "description": "maildir, sendmail or webhook: the channel of the last attempt."
          },
          "last_error": {
            "type": "string",
            "description": "Why the last attempt failed, or (status cancelled) why it was dropped."
          },
          "cancelled_at": {
            "type": "string",
            "format": "date-time",
            "description": "When a cancelled message was dropped. Absent on one dropped before that was recorded."
          },
          "cancel_kind": {
            "type": "string",
            "enum": [
              "dropped",
              "not_needed"
            ],
            "description": "Set when status is cancelled. dropped: its voucher could not have it then (blocked, used up, expired, extended, voided, its holder closed); a reminder step goes out after all should the voucher be active again with the same expiry. not_needed: a later step went out instead, or the buyer kept the gift; never sent."
          },
          "history": {
            "type": "array",
            "description": "Every attempt, oldest first.",
            "items": {
              "type": "object",
              "required": [
                "at",
                "channel",
                "outcome"
              ],
              "additionalProperties": false,
              "properties": {
                "at": {
                  "type": "string",
                  "format": "date-time"
                },
                "channel": {
                  "type": "string"
                },
                "outcome": {
                  "type": "string",
                  "enum": [
                    "sent",
                    "temporary",
                    "permanent",
                    "endpoint_gone"
                  ]
                },
                "error": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "ReminderList": {
        "type": "object",
        "required": [
          "reminders"
        ],
        "properties": {
          "reminders": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Reminder"
            }
          }
        }
      },
      "PublicBalance": {
        "type": "object",
        "required": [
          "status",
          "balance",
          "expires_at",
          "last_valid_day"
        ],
        "additionalProperties": false,
        "properties": {
          "status": {
            "$ref": "#/components/schemas/VoucherStatus"
          },
          "balance": {
            "$ref": "#/components/schemas/Money"
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "last_valid_day": {
            "type": [
              "string",
              "null"
            ],
            "format": "date"
          },
          "payout_claimable": {
            "$ref": "#/components/schemas/Money",
            "description": "Present only on an expired voucher whose balance the law in force still lets the holder take out as money (Denmark: a year after expiry): how much."
          },
          "payout_claimable_until": {
            "type": "string",
            "format": "date",
            "description": "With payout_claimable: the last day to claim it. Absent when the right has no end."
          },
          "payout_note": {
            "type": "string",
            "description": "With payout_claimable: the same in plain words for the holder, with what to do (ask the seller for the payout)."
          }
        }
      },
      "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details. Match on code, never on detail.",
        "required": [
          "type",
          "title",
          "status",
          "code",
          "detail"
        ],
        "properties": {
          "type": {
            "type": "string",
            "format": "uri",
            "description": "urn:goodwill:problem:<code>"
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "code": {
            "type": "string",
            "enum": [
              "malformed-json",
              "invalid-request",
              "idempotency-key-required",
              "unauthorized",
              "forbidden",
              "not-your-redemption",
              "not-found",
              "method-not-allowed",
              "voucher-not-found",
              "code-check-failed",
              "invalid-code",
              "entry-not-found",
              "holder-not-found",
              "reminder-not-found",
              "policy-file-not-found",
              "insufficient-balance",
              "voucher-expired",
              "voucher-voided",
              "voucher-refunded",
              "voucher-blocked",
              "voucher-fully-used",
              "already-reversed",
              "already-in-state",
              "not-blocked",
              "nothing-to-refund",
              "no-expiry",
              "reminder-not-failed",
              "no-purchaser",
              "nothing-to-preview",
              "invalid-amount",
              "currency-mismatch",
              "idempotency-conflict",
              "below-legal-minimum",
              "invalid-policy",
              "override-required",
              "not-a-redemption",
              "imported-redemption",
              "not-permitted",
              "message-undeliverable",
              "invalid-channel",
              "rate-limited",
              "busy",
              "database-busy",
              "case-not-found",
              "case-already-closed",
              "payout-reference-required",
              "total-too-large",
              "report-not-found",
              "internal-error",
              "answer-erased",
              "bad-request",
              "request-timeout",
              "body-too-large",
              "uri-too-long",
              "headers-too-large",
              "not-implemented",
              "http-version-not-supported",
              "over-capacity",
              "storage-failed",
              "database-upgraded",
              "storage-full",
              "storage-error"
            ]
          },
          "detail": {
            "type": "string",
            "description": "What is wrong and what to do, for a person."
          },
          "balance": {
            "$ref": "#/components/schemas/Money"
          },
          "requested": {
            "$ref": "#/components/schemas/Money"
          },
          "last_valid_day": {
            "type": "string",
            "format": "date"
          },
          "goodwill": {
            "type": "string",
            "description": "On voucher-expired: what the goodwill policy would do if the holder asked."
          },
          "payout_claimable": {
            "$ref": "#/components/schemas/Money",
            "description": "On voucher-expired, where the jurisdiction in force still lets the holder take the balance out as money (Denmark: a year after expiry; a balance under a cash-out threshold): the balance they may claim, paid out with POST /v1/vouchers/{id}/refunds. The detail says it in words."
          },
          "payout_claimable_until": {
            "type": "string",
            "format": "date",
            "description": "With payout_claimable: the last day (in the voucher's zone) the holder may claim it. Absent when the right has no end."
          }
        }
      },
      "Note": {
        "type": "object",
        "required": [
          "id",
          "holder_id",
          "at",
          "author",
          "text"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "holder_id": {
            "type": "string"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "author": {
            "type": "string"
          },
          "text": {
            "type": "string"
          }
        }
      },
      "Case": {
        "type": "object",
        "required": [
          "id",
          "holder_id",
          "subject",
          "opened_at",
          "opened_by",
          "closed_at",
          "closed_by",
          "resolution",
          "open"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "holder_id": {
            "type": "string"
          },
          "subject": {
            "type": "string"
          },
          "opened_at": {
            "type": "string",
            "format": "date-time"
          },
          "opened_by": {
            "type": "string"
          },
          "closed_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "closed_by": {
            "type": [
              "string",
              "null"
            ]
          },
          "resolution": {
            "type": [
              "string",
              "null"
            ]
          },
          "open": {
            "type": "boolean"
          }
        }
      },
      "HolderMatch": {
        "type": "object",
        "required": [
          "id",
          "first_seen",
          "vouchers",
          "matched"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": [
              "string",
              "null"
            ]
          },
          "email": {
            "type": [
              "string",
              "null"
            ]
          },
          "first_seen": {
            "type": "string",
            "format": "date-time"
          },
          "vouchers": {
            "type": "integer"
          },
          "matched": {
            "type": "string",
            "enum": [
              "email",
              "name",
              "voucher_code"
            ]
          }
        }
      },
      "NoteRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "text"
        ],
        "properties": {
          "text": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 2000 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          }
        }
      },
      "CaseRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "holder",
          "subject"
        ],
        "properties": {
          "holder": {
            "type": "string",
            "description": "hld_… or an email address"
          },
          "subject": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 500 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          }
        }
      },
      "ResolutionRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "resolution"
        ],
        "properties": {
          "resolution": {
            "type": "string",
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 2000 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          }
        }
      },
      "CloseRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [],
        "properties": {
          "erase": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "null is the same as leaving it out: false."
          },
          "payout_reference": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "\#(OpenAPIRules.requiredText)",
            "description": "The payout's reference (a bank transfer or payment id); leave it out (or null) when nothing is refunded. Plain text, not blank: white space and newlines at either end are trimmed, and what is left must be something and hold no control character but the newline (422 invalid-request otherwise). At most 200 characters as a person counts them (a letter with its accents is one), after the trimming; longer is refused with 422 invalid-request."
          },
          "refund_all": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "null is the same as leaving it out: false."
          }
        }
      },
      "CloseResult": {
        "type": "object",
        "required": [
          "holder_id",
          "already_closed",
          "closed_at",
          "closed_by",
          "vouchers",
          "refunded",
          "reminders_dropped",
          "erased",
          "erased_now"
        ],
        "properties": {
          "holder_id": {
            "type": "string"
          },
          "already_closed": {
            "type": "boolean",
            "description": "True on a repeated close: the rest describes the first close, and nothing was done this time but an erasure that close was not asked for (erased_now)."
          },
          "closed_at": {
            "type": "string",
            "format": "date-time"
          },
          "closed_by": {
            "type": "string"
          },
          "vouchers": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "voucher_id",
                "code",
                "role",
                "balance",
                "action",
                "explanation"
              ],
              "properties": {
                "voucher_id": {
                  "type": "string"
                },
                "code": {
                  "type": "string"
                },
                "role": {
                  "type": "string"
                },
                "balance": {
                  "$ref": "#/components/schemas/Money"
                },
                "action": {
                  "type": "string",
                  "enum": [
                    "refunded",
                    "kept",
                    "expired",
                    "blocked",
                    "nothing_left",
                    "not_theirs"
                  ]
                },
                "explanation": {
                  "type": "string"
                },
                "entry_id": {
                  "type": "integer"
                },
                "last_valid_day": {
                  "type": "string",
                  "format": "date"
                }
              }
            }
          },
          "refunded": {
            "type": "array",
            "items": {
              "type": "object"
            }
          },
          "payout_reference": {
            "type": "string"
          },
          "reminders_dropped": {
            "type": "integer"
          },
          "farewell": {
            "type": "object",
            "required": [
              "message_id",
              "language",
              "subject",
              "body"
            ],
            "properties": {
              "message_id": {
                "type": "string"
              },
              "language": {
                "type": "string"
              },
              "subject": {
                "type": "string"
              },
              "body": {
                "type": "string"
              },
              "status": {
                "$ref": "#/components/schemas/OutboxStatus",
                "description": "Where the letter is at the time of this answer: pending or sending (not gone out yet), sent, failed (given up), cancelled."
              },
              "sent_at": {
                "type": "string",
                "format": "date-time",
                "description": "When it went out, once it has."
              }
            }
          },
          "erased": {
            "type": "boolean"
          },
          "erased_now": {
            "type": "boolean",
            "description": "Whether this call erased the personal data (a close with erase, or erase asked for after a close without it); false when erased says an earlier call did."
          },
          "pseudonym": {
            "type": "string"
          }
        }
      },
      "RollForwardLine": {
        "type": "object",
        "description": "One currency's roll-forward. Every flow is signed as it moves the liability: opening + issued + redeemed + redemption_reversed + refunded + voided + adjusted + breakage + reinstated = closing.",
        "required": [
          "currency",
          "opening",
          "opening_payout_claimable",
          "issued",
          "redeemed",
          "redemption_reversed",
          "refunded",
          "voided",
          "adjusted",
          "breakage",
          "reinstated",
          "closing",
          "closing_payout_claimable",
          "expired_into_payout_claimable",
          "difference",
          "balanced"
        ],
        "properties": {
          "currency": {
            "type": "string"
          },
          "opening": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Owed at opening_at: live balances (active and not past expiry, or blocked) and balances past expiry still claimable as payout."
          },
          "opening_payout_claimable": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Of opening, what was owed only as payout claimable after expiry."
          },
          "issued": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Positive."
          },
          "redeemed": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Negative; includes what an import recorded as used before it."
          },
          "redemption_reversed": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Positive."
          },
          "refunded": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Negative."
          },
          "voided": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Negative."
          },
          "adjusted": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Net of corrections up and down."
          },
          "breakage": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Negative: balances that left the liability unredeemed in the period (expired with no payout right, a payout right that ended, an unblock past expiry), and what an entry added to a balance that stays past expiry (an adjustment up, a reversal)."
          },
          "reinstated": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Positive: balances that came back into the liability (an extension or block after expiry, a payout right that began), and what an entry took from a balance that stays past expiry (an expired balance refunded, voided or adjusted down)."
          },
          "closing": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Owed at closing_at, computed as opening is."
          },
          "closing_payout_claimable": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Of closing, what was owed only as payout claimable after expiry."
          },
          "expired_into_payout_claimable": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "Not a flow: balances that expired in the period but stayed owed as claimable payout."
          },
          "difference": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Money"
              }
            ],
            "description": "(opening + the eight flows) - closing; zero when balanced."
          },
          "balanced": {
            "type": "boolean"
          }
        }
      },
      "RollForwardReport": {
        "type": "object",
        "required": [
          "as_of",
          "from",
          "to",
          "time_zone",
          "opening_at",
          "closing_at",
          "currencies",
          "balanced",
          "not_recorded",
          "notes"
        ],
        "properties": {
          "as_of": {
            "type": "string",
            "format": "date-time"
          },
          "from": {
            "type": "string",
            "format": "date"
          },
          "to": {
            "type": "string",
            "format": "date"
          },
          "time_zone": {
            "type": "string"
          },
          "opening_at": {
            "type": "string",
            "format": "date-time",
            "description": "The start of from in time_zone."
          },
          "closing_at": {
            "type": "string",
            "format": "date-time",
            "description": "The end of to in time_zone, or now when that is later."
          },
          "currencies": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/RollForwardLine"
            }
          },
          "balanced": {
            "type": "boolean",
            "description": "Every currency's difference is zero."
          },
          "not_recorded": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "escheated"
              ]
            },
            "description": "Flows the ledger does not record, so the report cannot show them: escheated."
          },
          "notes": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Sentences a reader needs: escheat, a period closed early, the jurisdiction's payout right."
          }
        }
      },
      "Report": {
        "type": "object",
        "description": "The report's own shape (see docs/support-finance.md); every one has as_of. Amounts are Money.",
        "required": [
          "as_of"
        ],
        "properties": {
          "as_of": {
            "type": "string",
            "format": "date-time"
          },
          "payout_claimable": {
            "type": "array",
            "description": "liability and breakage only: balances past expiry the holder may still demand as payout under the jurisdiction (Denmark: a year after expiry), by currency and month of expiry. Included in liability's totals and by_expiry_month, left out of breakage's until the right ends.",
            "items": {
              "type": "object",
              "required": [
                "currency",
                "month",
                "vouchers",
                "amount"
              ],
              "properties": {
                "currency": {
                  "type": "string"
                },
                "month": {
                  "type": "string"
                },
                "vouchers": {
                  "type": "integer"
                },
                "amount": {
                  "$ref": "#/components/schemas/Money"
                }
              }
            }
          }
        }
      }
    }
  }
}
"""#
}
