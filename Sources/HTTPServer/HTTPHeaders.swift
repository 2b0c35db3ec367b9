/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1);
/// a name may occur several times and every value is kept in arrival order.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [Field]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value for `name`; setting replaces every value of that name (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    /// Every value for `name`, in arrival order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// The first value for `name` and how many fields carry it, in one pass without building
    /// the values (every request asks it of its key headers, which must come once).
    public func firstValue(of name: String) -> (value: String?, count: Int) {
        var first: String?, n = 0
        for field in fields where Self.namesMatch(field.name, name) {
            if n == 0 { first = field.value }
            n += 1
        }
        return (first, n)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// True when a comma-separated list header (such as `Connection`) holds `token`,
    /// compared case-insensitively (RFC 9110 §5.6.1).
    public func containsToken(_ token: String, in name: String) -> Bool {
        // Runs for every request and response, so no allocation unless the field exists.
        for field in fields where Self.namesMatch(field.name, name) {
            for element in field.value.split(separator: ",") where Self.namesMatch(String(element.trimmingOWS()), token) {
                return true
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison; header names are tokens, so ASCII is enough.
    static func namesMatch(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            if x | 0x20 != y | 0x20 || !(x | 0x20 >= 0x61 && x | 0x20 <= 0x7A) { return false }
        }
        return true
    }
}

extension Substring {
    /// Drops leading and trailing SP and HTAB (OWS, RFC 9110 §5.6.3).
    func trimmingOWS() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
