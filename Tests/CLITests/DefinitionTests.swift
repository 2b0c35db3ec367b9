import ArgumentParsing
@testable import goodwill
import Testing

/// The real command tree, not a sample: ArgumentParsing reports a mistake in it (a name declared
/// twice, a default outside its allowed values, …) as a list for a test to hold empty.
@Suite struct CommandTreeDefinitionTests {
    @Test func theRealCommandTree_hasNoDefinitionProblems() {
        #expect(GoodwillCLI.tool.definitionProblems == [])
    }

    /// Every command that does something has a handler, and every handler a command: otherwise a
    /// command parses and then fails with "has no handler", or a handler can never be reached.
    @Test func everyLeafCommand_hasAHandler_andEveryHandlerACommand() {
        func leaves(_ command: Command, _ path: [String]) -> [[String]] {
            command.isGroup ? command.subcommands.flatMap { leaves($0, path + [$0.name]) } : [path]
        }
        let commands = Set(leaves(GoodwillCLI.tool.root, []))
        let handlers = Set(GoodwillCLI.handlers.keys)
        #expect(commands.subtracting(handlers).isEmpty, "no handler: \(commands.subtracting(handlers))")
        #expect(handlers.subtracting(commands).isEmpty, "no command: \(handlers.subtracting(commands))")
    }
}
