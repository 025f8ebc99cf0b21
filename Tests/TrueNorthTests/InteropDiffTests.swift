import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// `tnsim diff`: a single injected difference is found and reported with its tick, core and neuron.
@Suite struct InteropDiffTests {
  static func recording() throws -> (Model, [OutputSpike]) {
    let model = try InteropRoundTripTests.ibmExpressible(seed: 11, stochastic: true)
    let spikes = try InteropFixtures.run(model, inputs: InteropRoundTripTests.inputs(model, ticks: 20, seed: 11), ticks: 30)
    return (model, spikes)
  }

  @Test func identicalOutputs() throws {
    let (_, spikes) = try Self.recording()
    let diff = SpikeDiff.compare(expected: spikes, actual: spikes.reversed())
    #expect(diff.identical && diff.first == nil && diff.perCore.isEmpty)
    #expect(diff.report() == "identical: \(spikes.count) spikes in both, compared by (tick, core, neuron)")
  }

  @Test(arguments: [0, 1, 2])
  func findsOneInjectedDifference(kind: Int) throws {
    let (_, spikes) = try Self.recording()
    #expect(spikes.count > 500)
    var changed = spikes
    let k = spikes.count / 2
    let s = spikes[k]
    // A neuron of the same core that does not fire in that tick.
    let quiet = try #require((0..<256).map(Int32.init).first { j in !spikes.contains { $0.tick == s.tick && $0.core == s.core && $0.neuron == j } })
    switch kind {
    case 0: changed.remove(at: k)  // a missing spike
    case 1: changed.insert(OutputSpike(tick: s.tick, core: s.core, neuron: quiet, pin: -1), at: k)  // an extra one
    default: changed[k].tick += 1  // moved one tick later: one missing, one extra
    }
    let diff = SpikeDiff.compare(expected: spikes, actual: changed)
    #expect(!diff.identical)
    let first = try #require(diff.first)
    #expect(first.spike.tick == s.tick && first.spike.core == s.core)
    #expect(first.spike.neuron == (kind == 1 ? quiet : s.neuron))
    #expect(first.missing == (kind != 1))
    #expect(diff.missing == (kind == 1 ? 0 : 1) && diff.extra == (kind == 0 ? 0 : 1))
    #expect(diff.perCore == [SpikeDiff.CoreTotals(core: s.core, missing: diff.missing, extra: diff.extra)])
    let report = diff.report(expectedName: "a", actualName: "b")
    #expect(report.contains("first difference: tick \(s.tick), core \(s.core), neuron \(first.spike.neuron)"))
  }

  @Test func filesOfDifferentFormatsCompare() throws {
    let (_, spikes) = try Self.recording()
    let csv = InteropFixtures.temporary("a.csv"), sfro = InteropFixtures.temporary("b.sfro")
    defer { [csv, sfro].forEach { try? FileManager.default.removeItem(atPath: $0) } }
    for (path, list) in [(csv, spikes), (sfro, Array(spikes.dropLast()))] {
      let sink = try SpikeFormat.createOutput(path)
      for s in list { try sink.write(s) }
      try sink.close()
    }
    let diff = try SpikeDiff.compare(expected: csv, actual: sfro)
    let last = try #require(spikes.last)
    #expect(diff.missing == 1 && diff.extra == 0)
    #expect(diff.first == SpikeDiff.Difference(spike: last, missing: true))
    #expect(try SpikeDiff.compare(expected: csv, actual: sfro, ticks: 0..<last.tick).identical)
  }

  @Test func rancOutputsCompareByPin() throws {
    let spikes = [OutputSpike(tick: 0, core: 4, neuron: 2, pin: 1), OutputSpike(tick: 1, core: 4, neuron: 3, pin: -1),
      OutputSpike(tick: 3, core: 1, neuron: 0, pin: 0)]
    let p = InteropFixtures.write(try RANCOutputFile.bytes(spikes, ticks: 5, outputs: 2), "o.txt")
    defer { try? FileManager.default.removeItem(atPath: p) }
    var source = try SpikeFormat.openOutput(p)
    let ranc = try source.readAll()
    #expect(SpikeDiff.compare(expected: spikes, actual: ranc).identical)
    let diff = SpikeDiff.compare(expected: spikes, actual: Array(ranc.dropFirst()))
    #expect(diff.matching == .pin && diff.missing == 1 && diff.extra == 0)
    #expect(diff.first == SpikeDiff.Difference(spike: spikes[0], missing: true))
    #expect(diff.report().contains("first difference: tick 0, core 4, neuron 2, pin 1: in expected only (missing)"))
  }
}
