import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI

/// The request log line is written byte by byte (it runs for every request); these hold it to
/// being one line of JSON with the fields the operators' tools read.
@Suite struct RequestLogTests {
    func fields(_ line: [UInt8]) throws -> [String: Any] {
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        return try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    }

    @Test func aLine_isOneJSONObject_withTheRequestsFields() throws {
        let at = RFC3339.parse("2026-12-06T16:40:01.250Z")!
        let f = try fields(RequestLog.line(at: at, id: "req_ab_1z", method: "POST", route: "POST /v1/vouchers/{id}/redemptions",
                                           status: 422, seconds: 0.0123456, key: "till-7", code: "insufficient-balance"))
        #expect(f["at"] as? String == "2026-12-06T16:40:01.250Z")
        #expect(f["level"] as? String == "info")
        #expect(f["request_id"] as? String == "req_ab_1z")
        #expect(f["method"] as? String == "POST")
        #expect(f["route"] as? String == "POST /v1/vouchers/{id}/redemptions")
        #expect(f["status"] as? Int == 422)
        #expect(f["key"] as? String == "till-7")
        #expect(f["problem"] as? String == "insufficient-balance")
        #expect(Set(f.keys) == ["at", "level", "request_id", "method", "route", "status", "duration_ms", "key", "problem"])
    }

    @Test func durations_areMillisecondsWithThreeDecimals() throws {
        func duration(_ seconds: Double) throws -> String {
            let line = RequestLog.line(at: Date(timeIntervalSince1970: 0), id: "r", method: "GET", route: "GET /health",
                                       status: 200, seconds: seconds, key: nil, code: nil)
            let text = String(decoding: line, as: UTF8.self)
            let start = try #require(text.range(of: #""duration_ms":"#)).upperBound
            return String(text[start...].prefix { $0 != "," && $0 != "}" })
        }
        #expect(try duration(0) == "0.000")
        #expect(try duration(0.000_0004) == "0.000")
        #expect(try duration(0.000_007) == "0.007")
        #expect(try duration(0.000_25) == "0.250")
        #expect(try duration(0.0123456) == "12.346")
        #expect(try duration(1) == "1000.000")
        #expect(try duration(12_345.678_9) == "12345678.900")
    }

    @Test func serverErrors_areLoggedAsErrors_andAnswersWithoutKeyOrProblemLeaveThemOut() throws {
        let f = try fields(RequestLog.line(at: Date(timeIntervalSince1970: 0), id: "r", method: "GET", route: "GET /health",
                                           status: 503, seconds: 0.001, key: nil, code: nil))
        #expect(f["level"] as? String == "error")
        #expect(f["key"] == nil && f["problem"] == nil)
        #expect(f["status"] as? Int == 503)
    }
}
