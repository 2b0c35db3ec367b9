import Foundation
import GoodwillCore
import HTTPServer

/// JSON in and out of handlers.
enum JSON {
    static func response<T: Encodable>(_ value: T, status: HTTPStatus = .ok) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        do {
            return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: try encoder.encode(value))
        } catch {
            return Problem.internalError.response
        }
    }

    static func response(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(value.serialized().utf8))
    }

    /// Decodes the body; an empty body reads as `{}` when `emptyIsObject`. Syntax errors are
    /// 400 malformed-json; a well-formed body with a wrong or missing field is 422 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest, emptyIsObject: Bool = false) throws -> T {
        var body = request.body
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard emptyIsObject else { throw Problem.malformedJSON("the body is empty") }
            body = Data("{}".utf8)
        }
        try JSONKeys.gate(body)
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw problem(error)
        } catch let problem as Problem {
            // A field the body's shape does not have (BodyShape), named by its path.
            throw problem
        } catch {
            throw Problem.malformedJSON("\(error)")
        }
    }

    /// `'value.amount'`, `'rows[2].name'`: a field as a client finds it in its body.
    static func path(_ names: [String]) -> String {
        names.isEmpty ? "the body" : "'" + names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
    }

    static func problem(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String {
            Self.path(keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue })
        }
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            if c.underlyingError != nil || c.debugDescription.contains("JSON") { return Problem.malformedJSON("it does not parse") }
            return Problem.invalid(c.debugDescription)
        case .dataCorrupted(let c) where c.debugDescription.hasPrefix("Cannot initialize "):
            // A closed set not declared in its body's `KnownFields.closed`: no Swift type names.
            return Problem.invalid("\(path(c.codingPath)) is not one of the values it takes; /openapi.json lists them.")
        case .dataCorrupted(let c):
            return Problem.invalid("\(path(c.codingPath)) is not right: \(c.debugDescription)")
        case .keyNotFound(let key, let c):
            return Problem.invalid("\(path(c.codingPath + [key])) is missing; it is required.")
        case .typeMismatch(let type, let c):
            return Problem.invalid("\(path(c.codingPath)) has the wrong type; expected \(describe(type)).")
        case .valueNotFound(let type, let c):
            return Problem.invalid("\(path(c.codingPath)) is null; expected \(describe(type)).")
        @unknown default:
            return Problem.invalid("The body does not match what this route takes; see /openapi.json.")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is LocalDate.Type: return "a date like 2027-04-16"
        case is Bool.Type: return "true or false"
        case is [String: Any].Type: return "an object"
        default: return "\(type)".lowercased().contains("dictionary") ? "an object" : "a \(type)"
        }
    }
}

extension JSONKeys {
    /// Throws the problem a body's first finding is: 400 malformed-json, 422 invalid-request for a
    /// repeated name, 422 invalid-amount for an amount written as a decimal.
    static func gate(_ data: Data) throws {
        switch inspect(data) {
        case nil: return
        case .malformed(let why)?: throw Problem.malformedJSON(why)
        case .repeated(let path)?: throw Problem.repeatedField(path)
        case .decimalAmount(let path, let text, let currency)?: throw AmountWords.decimalRefusal(path: path, text: text, currency: currency)
        }
    }
}
