/// A fact's value as a condition sees it.
public enum FactValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int64)
    case string(String)
    case bool(Bool)
    case strings([String])

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .bool(let value): return String(value)
        case .strings(let values): return "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}

/// The type of a fact, checked against each condition when a policy is loaded.
public enum FactType: String, Sendable, Equatable {
    case integer, string, boolean, stringList = "list of strings"
}
