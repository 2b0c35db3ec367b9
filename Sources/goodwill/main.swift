import ArgumentParsing
import Foundation
import GoodwillCore
import Ledger
import Store

// The goodwill command-line tool: parse, dispatch to a handler, map failures to exit codes
// (0 success, 64 usage error, 1 failure), as swift-argument-parser tools do.

let tool = GoodwillCLI.tool
let invocation = tool.parseOrExit()
exit(GoodwillCLI.run(invocation, environment: ProcessInfo.processInfo.environment))
