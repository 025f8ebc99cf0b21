import Foundation
import Testing

/// The shared folder beside the checkout (or `$TNSIM_SHARED`), nil when absent.
enum SharedFolder {
  static let path: String? = {
    if let s = ProcessInfo.processInfo.environment["TNSIM_SHARED"], !s.isEmpty { return s }
    let beside = URL(fileURLWithPath: CLI.root).deletingLastPathComponent().appendingPathComponent("shared").path
    return FileManager.default.fileExists(atPath: beside + "/fixtures") ? beside : nil
  }()
}

/// The command line on a file RANC wrote (`../shared/fixtures`, read in place; skipped with a
/// message only where the folder is absent).
@Suite(.enabled(if: SharedFolder.path != nil, "../shared/fixtures is not beside the checkout (set TNSIM_SHARED)"))
struct PeerFixtureCLITests {
  /// convert, run, diff and validate --expect on RANC's random 5-core network with delays.
  @Test func convertRunAndDiffAgainstRANCsOutput() throws {
    let folder = (SharedFolder.path ?? "../shared") + "/fixtures/ranc/random5"
    let model = CLI.temporary("random5.json"), packets = CLI.temporary("packets.csv"), out = CLI.temporary("out.csv")
    defer { for p in [model, packets, out] { try? FileManager.default.removeItem(atPath: p) } }
    for args in [["convert", folder + "/input.json", model], ["convert", folder + "/input.json", packets],
                 ["run", model, "--input", packets, "--ticks", "300", "--output", out]] {
      let r = try CLI.run(args)
      #expect(r.status == 0, "\(args): \(r.err)")
    }
    let diff = try CLI.run(["diff", folder + "/output.txt", out])
    #expect(diff.status == 0)
    #expect(diff.out == "identical: 10719 spikes in both, compared by (tick, pin), ticks 0...298\n")
    let check = try CLI.run(["validate", model, "--input", folder + "/input.json", "--expect", folder + "/output.txt"])
    #expect(check.status == 0 && check.out.contains("ran 299 ticks; identical: 10719 spikes in both"), "\(check.out)\(check.err)")
  }
}
