import Foundation
import Testing

/// Issue 15's command-line reproducers: each once trapped; each now exits 1 with one line naming
/// the file, and writes nothing.
@Suite struct RobustnessCLITests {
  /// The example network of docs/network-format.md (2 x 2 inputs), unchanged.
  static func docsExample() throws -> String {
    let text = try String(contentsOfFile: CLI.root + "/docs/network-format.md", encoding: .utf8)
    return try #require(text.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
  }

  @Test func deployRefusesANetworkThatDoesNotReadMNISTBeforeWritingAnything() throws {
    let net = CLI.temporary("net.json")
    let model = CLI.temporary("model.json")
    try Self.docsExample().write(toFile: net, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: net) }
    let r = try CLI.run(["deploy", net, "--copies", "1", "--output", model])
    #expect(r.status == 1, "\(r.err)")
    #expect(r.err.hasPrefix("tnsim deploy: " + net + ": input: is 2 x 2 = 4 values"), "\(r.err)")
    #expect(r.err.split(separator: "\n").count == 1 && !r.err.contains("Fatal error"), "\(r.err)")
    #expect(!FileManager.default.fileExists(atPath: model), "deploy wrote the model before refusing")
    #expect(!FileManager.default.fileExists(atPath: model.replacingOccurrences(of: ".json", with: ".manifest.json")))
    let e = try CLI.run(["eval", net, "--copies", "1", "--spf", "1", "--images", "2"])
    #expect(e.status == 1 && e.err.hasPrefix("tnsim eval: " + net + ": input:"), "eval names the file: \(e.err)")
  }

  @Test func aHugeTickSecondsIsRefusedByEveryCycleFidelityCommand() throws {
    let dir = CLI.temporary("chip")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tiny = try String(contentsOfFile: CLI.root + "/chipdefs/tiny.json", encoding: .utf8)
    let big = tiny.replacingOccurrences(of: #""tickSeconds": 0.001"#, with: #""tickSeconds": 10000000000"#)
    #expect(big != tiny)
    try big.write(toFile: dir + "/big.json", atomically: true, encoding: .utf8)
    let model = try String(contentsOfFile: CLI.root + "/examples/neurons/model.json", encoding: .utf8)
      .replacingOccurrences(of: #""chip": "tiny""#, with: #""chip": "big""#)
    try model.write(toFile: dir + "/model.json", atomically: true, encoding: .utf8)
    for args in [["run", dir + "/model.json", "--ticks", "3", "--fidelity", "cycle"], ["run", dir + "/model.json", "--ticks", "3", "--strict"]] {
      let r = try CLI.run(args)
      #expect(r.status == 1, "\(args): \(r.err)")
      #expect(r.err.contains(dir + "/big.json:") && r.err.contains("tickSeconds: value 10000000000.0 is out of range"), "\(args): \(r.err)")
    }
  }
}
