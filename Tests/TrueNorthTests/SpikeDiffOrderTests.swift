import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// `tnsim diff` reads spike files in any order (each is read whole and sorted), while `tnsim run`
/// still asks its input to be in tick order.
@Suite struct SpikeDiffOrderTests {
  static let spikes = [OutputSpike(tick: 0, core: 2, neuron: 5, pin: 0), OutputSpike(tick: 3, core: 1, neuron: 0, pin: -1),
    OutputSpike(tick: 3, core: 0, neuron: 7, pin: 1), OutputSpike(tick: 9, core: 4, neuron: 2, pin: 2)]

  static func csv(_ spikes: [OutputSpike]) -> [UInt8] {
    Array(("tick,core,neuron,pin\n" + spikes.map { "\($0.tick),\($0.core),\($0.neuron),\($0.pin)\n" }.joined()).utf8)
  }

  @Test func filesInAnyOrderCompare() throws {
    let sorted = InteropFixtures.write(Self.csv(Self.spikes), "sorted.csv")
    let shuffled = InteropFixtures.write(Self.csv([Self.spikes[3], Self.spikes[1], Self.spikes[0], Self.spikes[2]]), "shuffled.csv")
    let short = InteropFixtures.write(Self.csv([Self.spikes[3], Self.spikes[0], Self.spikes[2]]), "short.csv")
    defer { for p in [sorted, shuffled, short] { try? FileManager.default.removeItem(atPath: p) } }
    #expect(try SpikeDiff.compare(expected: sorted, actual: shuffled).identical)
    #expect(try SpikeDiff.compare(expected: shuffled, actual: sorted).identical)
    let diff = try SpikeDiff.compare(expected: shuffled, actual: short)
    #expect(diff.missing == 1 && diff.extra == 0 && diff.first == SpikeDiff.Difference(spike: Self.spikes[1], missing: true))
    // A run's input must still be in tick order.
    var input = try SpikeFormat.openOutput(shuffled)
    #expect(InteropFixtures.failure { _ = try input.readAll() }.contains("tick 3 comes after tick 9; spikes must be in tick order"))
  }

  /// A RANC output text of N lines holds ticks 0...N - 2: diff compares only those unless told.
  @Test func aRANCOutputIsComparedOverTheTicksItHolds() throws {
    let text = InteropFixtures.write(try RANCOutputFile.bytes(Self.spikes.filter { $0.tick < 9 }, ticks: 10, outputs: 3), "o.txt")
    let run = InteropFixtures.write(Self.csv(Self.spikes), "run.csv")
    defer { for p in [text, run] { try? FileManager.default.removeItem(atPath: p) } }
    let diff = try SpikeDiff.compare(expected: text, actual: run)
    #expect(diff.identical && diff.ticks == 0..<9 && diff.expectedCount == 2)
    #expect(diff.report() == "identical: 2 spikes in both, compared by (tick, pin), ticks 0...8")
    let all = try SpikeDiff.compare(expected: text, actual: run, ticks: 0..<10)
    #expect(all.extra == 1 && all.first?.spike == Self.spikes[3])
  }
}
