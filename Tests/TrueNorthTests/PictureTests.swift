import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Expects every text of `svg` inside the canvas and no two texts overlapping by the font's
/// metrics.
func expectReadableLayout(_ svg: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let (width, height) = SVGWriter.size(of: svg)
  let texts = SVGWriter.texts(in: svg)
  #expect(!texts.isEmpty, "\(name): no text", sourceLocation: sourceLocation)
  for t in texts where !t.box.isInside(width: width, height: height) {
    Issue.record("\(name): '\(t.text)' at \(t.box) is outside the \(width) x \(height) canvas", sourceLocation: sourceLocation)
  }
  for i in texts.indices {
    for j in texts.indices where j > i && texts[i].box.overlaps(texts[j].box) {
      Issue.record("\(name): '\(texts[i].text)' overlaps '\(texts[j].text)'", sourceLocation: sourceLocation)
    }
  }
}

/// The plotting layer: nice ticks, text metrics, charts and the run report's pictures.
@Suite struct PictureTests {
  @Test func niceScalesUseStepsOfOneTwoFive() {
    let a = NiceScale(low: 0, high: 97)
    #expect(a.ticks == [0, 20, 40, 60, 80, 100])
    let b = NiceScale(low: 86.1, high: 97.3, ticks: 6)
    #expect(b.step == 2 && b.ticks.first == 86 && b.ticks.last == 98)
    #expect(b.ticks.map(b.label).contains("88"))
    // Spike counts: whole ticks, never 1.58 or 3.15.
    let c = NiceScale(low: 0, high: 3.15, ticks: 4, integer: true)
    #expect(c.ticks == [0, 1, 2, 3, 4])
    let d = NiceScale(low: 0, high: 0.3, ticks: 6)
    #expect(d.ticks.map(d.label) == ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
    #expect(NiceScale(low: 2.5, high: 9, fromZero: true).lower == 0)
    #expect(NiceScale(low: 0, high: 3, ticks: 4, integer: true).lower == 0)
    #expect([0.7, 1.2, 3, 4.5, 7, 15].map(NiceScale.niceStep) == [1, 2, 5, 5, 10, 20])
    #expect([0.4706, 16, 241.5104, 0].map(NiceScale.short) == ["0.471", "16", "242", "0"])
  }

  @Test func textIsMeasuredAndWrapped() {
    #expect(abs(TextMetrics.width("00", size: 10) - 2 * 5.56 * TextMetrics.slack) < 1e-9)
    #expect(TextMetrics.width("MMM", size: 12) > TextMetrics.width("iii", size: 12) * 3)
    let lines = TextMetrics.wrap("one two three four five six seven", width: TextMetrics.width("one two three", size: 12), size: 12)
    #expect(lines == ["one two three", "four five six", "seven"])
    #expect(TextBox(of: "ab", x: 10, y: 20, size: 10, anchor: "end").x == 10 - TextMetrics.width("ab", size: 10))
    let a = TextBox(x: 0, y: 0, width: 10, height: 10)
    #expect(a.overlaps(TextBox(x: 9, y: 9, width: 5, height: 5)))
    #expect(!a.overlaps(TextBox(x: 10, y: 0, width: 5, height: 5)))
  }

  @Test func aLineChartDrawsEverySeriesWithALegendAndTicksAtTheData() {
    var chart = LineChart(title: "A rather long title that must wrap when the picture is narrow enough to need it, and more",
      xLabel: "copies (log scale)", yLabel: "accuracy (%)", logX: true)
    chart.subtitle = "solid: measured; dashed: predicted"
    let copies: [Double] = [1, 4, 8, 16]
    for k in 0..<3 {
      chart.series.append(.init(name: "\(k + 1) spf", points: copies.map { ($0, 86.1 + Double(k) + log2($0)) }, colour: k, pointLabels: copies.map { "\(Int($0))x" }))
      chart.series.append(.init(name: "predicted, \(k + 1) spf", points: copies.map { ($0, 86 + Double(k) + log2($0)) }, colour: k, dashed: true))
    }
    let svg = chart.svg(width: 560)
    #expect(isWellFormedSVG(svg))
    expectReadableLayout(svg, "chart")
    let texts = SVGWriter.texts(in: svg).map { $0.text }
    for s in chart.series { #expect(texts.contains(s.name), "legend of \(s.name)") }
    // Log ticks at the copies, none at 2 or 5.
    for label in ["1", "4", "8", "16"] { #expect(texts.contains(label)) }
    #expect(!texts.contains("2") && !texts.contains("5"))
    // Every solid series is a polyline, every dashed one dashed segments, in its colour.
    for k in 0..<3 {
      let colour = LineChart.palette[k]
      #expect(svg.contains("<polyline fill=\"none\" stroke=\"\(colour)\""))
      #expect(svg.components(separatedBy: "stroke=\"\(colour)\" stroke-width=\"1.80\" stroke-dasharray").count - 1 == copies.count - 1)
    }
    #expect(texts.contains("16x"))
    #expect(texts.filter { $0.hasPrefix("A rather") }.count == 1 && texts.contains { $0.hasSuffix("and more") })
  }

  @Test func anEmptyChartSaysSo() {
    var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
    chart.emptyMessage = "nothing here"
    let svg = chart.svg()
    #expect(SVGWriter.texts(in: svg).map { $0.text }.contains("nothing here"))
    expectReadableLayout(svg, "empty chart")
  }

  /// The neurons example's model: seven behaviours on one core of the tiny chip.
  static func neuronsExample() throws -> (Model, [InputSpike]) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let model = try Model.load(path: root.appendingPathComponent("examples/neurons/model.json").path)
    let text = try String(contentsOf: root.appendingPathComponent("examples/neurons/input.csv"), encoding: .utf8)
    let inputs = text.split(separator: "\n").dropFirst().compactMap { line -> InputSpike? in
      let f = line.split(separator: ",").compactMap { Int64($0) }
      return f.count == 3 ? InputSpike(tick: f[0], core: Int32(f[1]), axon: Int32(f[2])) : nil
    }
    return (model, inputs)
  }

  /// Runs the neurons example for 30 ticks at cycle fidelity with a report's raster attached.
  static func runExample(recordAll: Bool) throws -> (RasterSampler, CycleRun, Model) {
    let (model, inputs) = try neuronsExample()
    let sim = try Simulator(model: model, recordAll: recordAll)
    let analysis = CycleRun(chip: model.chip, keepSeries: true)
    var raster = RasterSampler(model: model, recordAll: recordAll)
    analysis.afterEachTick = { tick, spikes in raster.record(tick: tick, spikes: spikes) }
    var source: (any SpikeSource<InputSpike>)? = ArraySpikeSource(inputs)
    _ = try sim.runCycleFidelity(ticks: 30, input: &source, output: nil, analysis: analysis)
    return (raster, analysis, model)
  }

  @Test func theRasterShowsEveryNeuronThatFired() throws {
    let (raster, _, _) = try Self.runExample(recordAll: true)
    // Neurons 0, 1, 3, 4, 5, 6 fire; 2 never does. All six drawn, none sampled away.
    #expect(raster.rows.map { $0.neuron }.sorted() == [0, 1, 3, 4, 5, 6])
    #expect(raster.firedNeurons == 6 && raster.candidates == 256)
    let svg = RunReport.rasterSVG(raster, recordAllHint: "tnsim run --record all")
    expectReadableLayout(svg, "raster")
    let texts = SVGWriter.texts(in: svg).map { $0.text }
    for n in [0, 1, 3, 4, 5, 6] { #expect(texts.contains("0:\(n)"), "row label 0:\(n)") }
    #expect(texts.contains { $0.contains("all 6 neurons that fired, of 256 recorded") })
    // Sized to its content: six rows of 14 px, not 600 px.
    #expect(SVGWriter.size(of: svg).height < 260)
    // Neuron 0 fires at 4, 9, ..., 29: six cells in its row.
    #expect((0..<raster.columnsUsed).filter { raster.count(row: raster.rows.firstIndex { $0.neuron == 0 }!, column: $0) > 0 } == [4, 9, 14, 19, 24, 29])
  }

  @Test func aRasterBeyondItsRowsSaysItIsCut() throws {
    let chip = try RoutingFixtures.tiny()
    let model = Model.random(chip: chip, seed: 1, options: Model.RandomOptions())
    var raster = RasterSampler(model: model, recordAll: true, maxRows: 10, maxColumns: 10)
    for t in 0..<25 {
      raster.record(tick: Int64(t), spikes: (0..<20).map { OutputSpike(tick: Int64(t), core: 0, neuron: Int32($0)) })
    }
    #expect(raster.rows.count == 10 && raster.firedNeurons == 20)
    // 25 ticks in at most 10 columns: 4 ticks per column, 7 columns used.
    #expect(raster.binTicks == 4 && raster.columnsUsed == 7)
    #expect((0..<7).map { raster.count(row: 0, column: $0) } == [4, 4, 4, 4, 4, 4, 1])
    let svg = RunReport.rasterSVG(raster, recordAllHint: "tnsim run --record all")
    expectReadableLayout(svg, "cut raster")
    #expect(SVGWriter.texts(in: svg).contains { $0.text.contains("the first 10 neurons to fire, of 20 that fired") })
  }

  @Test func anEmptyRasterSaysWhy() throws {
    let chip = try RoutingFixtures.tiny()
    var options = Model.RandomOptions()
    options.rateHz = 50
    let model = Model.random(chip: chip, seed: 3, options: options)
    let raster = RasterSampler(model: model, recordAll: false)
    #expect(raster.candidates == 0)
    let svg = RunReport.rasterSVG(raster, recordAllHint: "tnsim run --record all")
    expectReadableLayout(svg, "empty raster")
    let text = SVGWriter.texts(in: svg).map { $0.text }.joined(separator: " ")
    #expect(text.contains("no neuron of this model sends to an output pin") && text.contains("--record all"))
    let (pins, _, _) = try Self.runExample(recordAll: false)
    #expect(pins.rows.map { $0.neuron }.sorted() == [0, 1, 3, 4])
  }

  @Test func linksAndTicksOfTheTinyChipAreReadable() throws {
    let (_, analysis, _) = try Self.runExample(recordAll: true)
    let links = RunReport.linkMapSVG(analysis.model)
    expectReadableLayout(links, "links.svg")
    let linkTexts = SVGWriter.texts(in: links).map { $0.text }
    // Router coordinates 0...3 on both axes of both panels.
    for c in ["0", "1", "2", "3"] { #expect(linkTexts.filter { $0 == c }.count >= 4, "coordinate \(c)") }
    #expect(!linkTexts.contains("-1"))
    let ticks = RunReport.tickChartSVG(analysis.series, budget: analysis.model.budgetCycles)
    expectReadableLayout(ticks, "ticks.svg")
    let labels = SVGWriter.texts(in: ticks).map { $0.text }.filter { Double($0) != nil }
    #expect(labels.allSatisfy { Int($0) != nil }, "\(labels)")
    for t in ["0", "5", "10", "15", "20", "25"] { #expect(labels.contains(t)) }
  }

  @Test func aBoardsReportIsReadable() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    var options = Model.RandomOptions()
    options.rateHz = 50
    let model = Model.random(chip: chip, seed: 2, options: options)
    let sim = try Simulator(model: model, recordAll: true)
    let analysis = CycleRun(chip: chip, keepSeries: true)
    var none: (any SpikeSource<InputSpike>)? = nil
    _ = try sim.runCycleFidelity(ticks: 50, input: &none, output: nil, analysis: analysis)
    expectReadableLayout(RunReport.linkMapSVG(analysis.model), "board links.svg")
    expectReadableLayout(RunReport.tickChartSVG(analysis.series, budget: analysis.model.budgetCycles), "board ticks.svg")
  }

  @Test func potentialTracesEqualTheReferenceSimulators() throws {
    let chip = try RoutingFixtures.tiny()
    var options = Model.RandomOptions()
    options.rateHz = 100
    options.weight = 20
    let model = Model.random(chip: chip, seed: 5, options: options)
    let ids = model.cores.map { Int32(chip.coreID(x: $0.x, y: $0.y)) }
    let spec = "\(ids[0]):0,\(ids[0]):7,\(ids[1]):255,\(ids[3]):100"
    let neurons = try PotentialTrace.parse(spec, model: model).get()
    let inputs = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: 16, ticks: 40, perTick: 8, seed: 5)
    for cycle in [false, true] {
      let trace = PotentialTrace(neurons: neurons)
      let sim = try Simulator(model: model, recordAll: true)
      let analysis = cycle ? CycleRun(chip: chip, keepSeries: true) : nil
      var seen = 0
      analysis?.afterEachTick = { _, _ in seen += 1 }  // the report's observer keeps running beside the trace
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-trace-\(UInt32.random(in: 0...UInt32.max)).csv").path
      defer { try? FileManager.default.removeItem(atPath: file) }
      try Data(("tick,core,axon\n" + inputs.map { "\($0.tick),\($0.core),\($0.axon)\n" }.joined()).utf8).write(to: URL(fileURLWithPath: file))
      let input = try SpikeFormat.openInput(file, chip: chip)
      _ = try sim.run(ticks: 40, inputFile: input, output: nil, analysis: analysis, afterTick: { trace.record($0) })
      if cycle { #expect(seen == 40) }
      let reference = ReferenceSimulator(model: model)
      #expect(trace.ticks == Array(0..<40))
      for t in 0..<40 {
        for s in inputs where s.tick == Int64(t) { reference.inject(s) }
        _ = reference.step()
        for (k, n) in neurons.enumerated() {
          let index = ids.firstIndex(of: n.core)!
          #expect(Int(trace.potential(neuron: k, at: t)) == reference.potential[index][Int(n.neuron)], "tick \(t) neuron \(n)")
        }
      }
      // Some potential moves, so the comparison means something.
      let distinct = Set(trace.potentials.map(Int.init)).count
      #expect(distinct > 3)
      let lines = trace.csv.split(separator: "\n").map(String.init)
      let header = "tick," + spec
      #expect(lines[0] == header)
      #expect(lines.count == 41)
      let first = "0," + (0..<4).map { String(trace.potential(neuron: $0, at: 0)) }.joined(separator: ",")
      #expect(lines[1] == first)
      let svg = trace.svg()
      expectReadableLayout(svg, "traces.svg")
      for n in neurons { #expect(SVGWriter.texts(in: svg).map { $0.text }.contains("\(n.core):\(n.neuron)")) }
      #expect(svg.components(separatedBy: "<polyline").count - 1 == neurons.count)
    }
  }

  @Test func badTraceSpecificationsNameTheProblem() throws {
    let (model, _) = try Self.neuronsExample()
    #expect(try PotentialTrace.parse("0:3,0:5", model: model).get().map { $0.neuron } == [3, 5])
    func failure(_ spec: String) -> PotentialTrace.TraceSpecError? {
      if case .failure(let e) = PotentialTrace.parse(spec, model: model) { return e }
      return nil
    }
    #expect(failure("0-3")?.item == "0-3")
    #expect(failure("0:256") == .init(item: "0:256", message: "neuron 256 is out of range; allowed: 0...255"))
    #expect(failure("5:1") == .init(item: "5:1", message: "core 5 is not configured in the model; configured cores: 0"))
  }
}
