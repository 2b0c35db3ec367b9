import HTTPServer

/// Matches a request's method and path segments to a route. Literal segments win over
/// parameters; a path that matches with another method is a 405 with `Allow`.
public struct Router: Sendable {
    public let routes: [Route]

    public init(routes: [Route]) { self.routes = routes }

    public enum Match {
        case found(Route, [String: String])
        case methodNotAllowed([String])
        case notFound
    }

    public func match(method: HTTPMethod, segments: [String]) -> Match {
        var allowed: [String] = []
        var best: (route: Route, literals: Int)?
        // Literals are compared first and parameters collected only for the winner: building a
        // dictionary for every candidate route cost more than the rest of the match.
        for route in routes where route.segments.count == segments.count {
            var literals = 0
            var ok = true
            for (pattern, value) in zip(route.segments, segments) {
                if case .literal(let l) = pattern {
                    guard l == value else { ok = false; break }
                    literals += 1
                }
            }
            guard ok else { continue }
            guard route.method == method || (method == .head && route.method == .get) else {
                allowed.append(route.method.rawValue)
                // Every GET answers HEAD too (RFC 9110 §9.3.2), so Allow names it (§10.2.1).
                if route.method == .get { allowed.append("HEAD") }
                continue
            }
            if best == nil || literals > best!.literals { best = (route, literals) }
        }
        if let best {
            var parameters: [String: String] = [:]
            for (pattern, value) in zip(best.route.segments, segments) {
                if case .parameter(let name) = pattern { parameters[name] = value }
            }
            return .found(best.route, parameters)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(Array(Set(allowed)).sorted())
    }
}
