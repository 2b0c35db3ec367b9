// Wire shape (fixed API contract): {"amount": <Int64 minor units>, "currency": "SEK"}.
extension Money: Codable {
    private enum CodingKeys: String, CodingKey {
        case amount
        case currency
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Currency's own decoding refuses unknown codes with a message naming the code.
        let currency = try container.decode(Currency.self, forKey: .currency)
        let amount = try container.decode(Int64.self, forKey: .amount)
        self.init(minorUnits: amount, currency: currency)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(minorUnits, forKey: .amount)
        try container.encode(currency, forKey: .currency)
    }
}
