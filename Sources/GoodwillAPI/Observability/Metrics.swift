import Foundation
import Synchronization

/// Request counts by route and status, a latency histogram per route, and counts of ledger
/// events, rendered in the Prometheus text exposition format (version 0.0.4).
public final class Metrics: Sendable {
    /// Upper bounds in seconds; the last bucket is +Inf.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: Metrics.buckets.count + 1)
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func add(_ seconds: Double, bucket: Int) {
            counts[bucket] += 1
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var requests: [String: [Int: UInt64]] = [:]
        var latency: [String: Histogram] = [:]
        var events: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func record(route: String, status: Int, seconds: Double) {
        let bucket = Metrics.buckets.firstIndex { seconds <= $0 } ?? Metrics.buckets.count
        state.withLock { s in
            s.requests[route, default: [:]][status, default: 0] += 1
            // Mutated in place: a copy taken out of the dictionary and put back made its bucket
            // array shared, so every request copied it (copy-on-write) to count one.
            s.latency[route, default: Histogram()].add(seconds, bucket: bucket)
        }
    }

    /// A committed ledger event (a redemption, a reversal, …) by entry kind.
    func recordEvent(_ kind: String) {
        state.withLock { $0.events[kind, default: 0] += 1 }
    }

    func requestCount(route: String, status: Int) -> UInt64 {
        state.withLock { $0.requests[route]?[status] ?? 0 }
    }

    /// `vouchersByStatus` comes from the database at scrape time.
    func render(vouchersByStatus: [(String, Int64)]) -> String {
        let s = state.withLock { $0 }
        var out = """
            # HELP goodwill_http_requests_total HTTP requests answered, by route and status.
            # TYPE goodwill_http_requests_total counter

            """
        for route in s.requests.keys.sorted() {
            for (status, n) in s.requests[route]!.sorted(by: { $0.key < $1.key }) {
                out += "goodwill_http_requests_total{route=\"\(Self.escape(route))\",status=\"\(status)\"} \(n)\n"
            }
        }
        out += """
            # HELP goodwill_http_request_duration_seconds Time from the request's arrival at the API to its answer.
            # TYPE goodwill_http_request_duration_seconds histogram

            """
        for route in s.latency.keys.sorted() {
            let h = s.latency[route]!
            let label = "route=\"\(Self.escape(route))\""
            var cumulative: UInt64 = 0
            for (i, bound) in Metrics.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "goodwill_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += h.counts[Metrics.buckets.count]
            out += "goodwill_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(cumulative)\n"
            out += "goodwill_http_request_duration_seconds_sum{\(label)} \(h.sum)\n"
            out += "goodwill_http_request_duration_seconds_count{\(label)} \(h.count)\n"
        }
        out += """
            # HELP goodwill_vouchers Vouchers on file, by stored status.
            # TYPE goodwill_vouchers gauge

            """
        for (status, n) in vouchersByStatus { out += "goodwill_vouchers{status=\"\(status)\"} \(n)\n" }
        out += """
            # HELP goodwill_redemptions_total Redemptions committed through this server since it started.
            # TYPE goodwill_redemptions_total counter
            goodwill_redemptions_total \(s.events["redeemed"] ?? 0)
            # HELP goodwill_ledger_events_total Ledger entries committed through this server since it started, by kind.
            # TYPE goodwill_ledger_events_total counter

            """
        for kind in s.events.keys.sorted() { out += "goodwill_ledger_events_total{kind=\"\(kind)\"} \(s.events[kind]!)\n" }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
