/// A node in the command tree: a leaf that does something, or a group of subcommands.
///
/// A command with subcommands is a group; it may not declare positional arguments, because a
/// word after it must name a subcommand. Run without a subcommand, a group prints its help
/// (as swift-argument-parser does) and exits 0.
public struct Command: Sendable, Hashable {
    /// The word that selects this command (`issue`), or the tool's name for the root.
    public var name: String
    /// One line, shown in the parent's SUBCOMMANDS list and first in OVERVIEW.
    public var abstract: String
    /// Longer text shown in OVERVIEW after the abstract and a blank line.
    public var discussion: String?
    public var arguments: [Argument]
    public var options: [Option]
    public var flags: [Flag]
    public var subcommands: [Command]

    public init(
        _ name: String,
        abstract: String,
        discussion: String? = nil,
        arguments: [Argument] = [],
        options: [Option] = [],
        flags: [Flag] = [],
        subcommands: [Command] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.flags = flags
        self.subcommands = subcommands
    }

    public var isGroup: Bool { !subcommands.isEmpty }

    func subcommand(named word: String) -> Command? {
        subcommands.first { $0.name == word }
    }
}
