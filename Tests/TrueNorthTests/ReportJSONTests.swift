import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The JSON objects of `run --json`, `--report`, `validate --json`, `--traffic` and `diff --json`:
/// the keys in their documented order, names escaped, one object each.
@Suite struct ReportJSONTests {
  static func keys(_ text: String) throws -> [String] {
    guard case .object(let members) = try JSONNode.parse(text).value else { return [] }
    return members.map(\.key)
  }

  static let runKeys = [
    "ticks", "cores", "neurons", "threads", "spikes", "inputSpikes", "outputSpikes", "synapticEvents", "neuronUpdates",
    "coreTicksComputed", "meanRateHz", "wallSeconds", "ticksPerSecond", "synapticEventsPerSecond", "spikesPerSecond",
    "nsPerSynapticEvent", "stateBytes", "fidelity", "energy",
  ]

  @Test func runAndReportObjectsKeepTheirKeys() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    let model = Model.random(chip: chip, seed: 2, options: Model.RandomOptions())
    let analysis = CycleRun(chip: chip, keepSeries: true)
    var none: (any SpikeSource<InputSpike>)? = nil
    let summary = try Simulator(model: model, recordAll: true).runCycleFidelity(ticks: 20, input: &none, output: nil, analysis: analysis)
    #expect(try Self.keys(summary.json(chip: chip, analysis: nil)) == Self.runKeys)
    let cycle = summary.json(chip: chip, analysis: analysis)
    #expect(try Self.keys(cycle) == Self.runKeys + ["cycles", "traffic"])
    #expect(cycle.contains("\"energy\": {\"routingCounted\": true, \"synapticJoules\": "))
    #expect(cycle.contains("\"cycles\": {\"budget\": \(analysis.model.budgetCycles), \"mean\": "))
    let report = RunReport.summaryJSON(summary: summary, chip: chip, analysis: analysis)
    #expect(try Self.keys(report) == Self.runKeys + ["cycles", "traffic", "misses", "chipLinks", "perTick"])
    // The report's object is the run's, with the rest on lines of their own.
    #expect(report.hasPrefix(String(cycle.dropLast()) + ",\n\"misses\": ["))
    #expect(report.contains("],\n\"chipLinks\": ["))
    #expect(report.contains("],\n\"perTick\": {\"ticks\": [0,1,2,"))
    #expect(report.hasSuffix("]}}\n"))
  }

  @Test func validationObjectIsExact() throws {
    let chip = try InteropFixtures.tiny()
    var model = Model(chip: chip)
    model.cores = [model.emptyCore(x: 0, y: 0)]
    model.cores[0].neurons[0].leak = 300
    let report = try ValidationReport(path: "m.json", model: model, coreLines: [2])
    #expect(report.json == #"{"fits": false, "cores": 1, "violations": [{"location": "cores[0].neurons.leak[0]", "line": 2, "message": "core (0, 0) neuron 0 leak: value 300 is out of range; allowed: -255...255"}]}"#)
    #expect(report.text == "m.json:2: cores[0].neurons.leak[0]: core (0, 0) neuron 0 leak: value 300 is out of range; allowed: -255...255\nm.json: 1 violation of tiny")
    #expect(!report.passes)
  }

  @Test func trafficObjectEscapesTheInputName() throws {
    let chip = try InteropFixtures.tiny()
    let model = try IBMModelFile.load(path: InteropFixtures.path("ibm/model.json"), chip: chip)
    let input = InteropFixtures.temporary("a \"quoted\" name.csv")
    defer { try? FileManager.default.removeItem(atPath: input) }
    var source = try SpikeFormat.openInput(InteropFixtures.path("ibm/input.sfti"))
    let sink = try SpikeFormat.createInput(input)
    for s in try source.readAll() { try sink.write(s) }
    try sink.close()
    let report = try ValidationReport(path: "m.json", model: model, coreLines: [1, 2, 3], trafficInput: input, ticks: 16)
    let root = JSONCursor(try JSONNode.parse(report.json), file: "json")
    #expect(try root.required("fits").bool())
    let traffic = try root.required("traffic")
    #expect(try traffic.required("input").string() == input)
    #expect(try traffic.required("ticks").int64() == 16)
    #expect(try Self.keys(report.json) == ["fits", "cores", "violations", "traffic"])
  }

  @Test func diffObjectIsExact() {
    let a = [OutputSpike(tick: 1, core: 0, neuron: 2, pin: 3), OutputSpike(tick: 2, core: 1, neuron: 0, pin: -1)]
    let b = [OutputSpike(tick: 1, core: 0, neuron: 2, pin: 3)]
    #expect(SpikeDiff.compare(expected: a, actual: b).json
      == #"{"identical": false, "matching": "neuron", "expected": 2, "actual": 1, "missing": 1, "extra": 0, "first": {"tick": 2, "core": 1, "neuron": 0, "pin": -1, "kind": "missing"}, "perCore": [{"core": 1, "missing": 1, "extra": 0}]}"#)
    #expect(SpikeDiff.compare(expected: b, actual: b).json
      == #"{"identical": true, "matching": "neuron", "expected": 1, "actual": 1, "missing": 0, "extra": 0, "first": null, "perCore": []}"#)
  }

  @Test func libraryTextNamesNoFlags() throws {
    let chip = try InteropFixtures.tiny()
    let model = Model.random(chip: chip, seed: 1, options: Model.RandomOptions())
    var none: (any SpikeSource<InputSpike>)? = nil
    let summary = try Simulator(model: model).run(ticks: 2, input: &none, output: nil)
    let text = summary.costText(chip: chip, analysis: nil)
    #expect(text.hasSuffix(" (tick fidelity counts no hops)"))
    #expect(!text.contains("--"))
    #expect(summary.costText(chip: chip, analysis: nil) { _ in " NOTE" }.hasSuffix(" NOTE"))
  }
}
