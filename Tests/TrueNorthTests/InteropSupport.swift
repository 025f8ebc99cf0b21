import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Paths, chips and small helpers shared by the interop tests.
enum InteropFixtures {
  static func path(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/interop/\(name)").path
  }

  static func tiny() throws -> ChipDefinition { try ChipDefinition.load(path: chipdefPath("tiny")) }

  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-interop-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
  }

  static func write(_ bytes: [UInt8], _ name: String) -> String {
    let p = temporary(name)
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }

  /// Runs `model` for `ticks` ticks on `inputs`, reporting every spike or only pin spikes.
  static func run(_ model: Model, inputs: [InputSpike], ticks: Int, recordAll: Bool = true) throws -> [OutputSpike] {
    let sim = try Simulator(model: model, threads: 1, recordAll: recordAll)
    var out: [OutputSpike] = []
    for t in 0..<ticks {
      for s in inputs where s.tick == Int64(t) { #expect(sim.inject(s)) }
      sim.step()
      out += sim.spikes
    }
    return out
  }

  /// The error a throwing call raises, as text, or "" when it does not throw.
  static func failure(_ body: () throws -> Void) -> String {
    do {
      try body()
      return ""
    } catch {
      return "\(error)"
    }
  }
}
