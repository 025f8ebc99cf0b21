import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// tnsim -> model.json -> tnsim and tnsim -> RANC -> tnsim give back the same model, and the
/// converted models run to the same spikes.
@Suite struct InteropRoundTripTests {
  /// A random model (every neuron mode with `stochastic`) whose reset potentials are made
  /// expressible in model.json (±(2^VR - 1)), with some pins and neurons without destination.
  static func ibmExpressible(seed: UInt64, stochastic: Bool) throws -> Model {
    let chip = try InteropFixtures.tiny()
    var options = Model.RandomOptions()
    options.cores = 5
    options.reach = 1
    options.stochastic = stochastic
    options.rateHz = 100
    options.weight = 20
    var model = Model.random(chip: chip, seed: seed, options: options)
    model = Self.keepDestinationsInside(model)
    for k in model.cores.indices {
      if k == 2 { model.cores[k].seed = 99 }
      for j in model.cores[k].neurons.indices {
        let r = model.cores[k].neurons[j].resetPotential
        model.cores[k].neurons[j].resetPotential = (r < 0 ? -1 : 1) * Int32((1 << (Int(r.magnitude) % 6)) - 1)
        if j % 37 == 0 { model.cores[k].neurons[j].destination = .pin(Int32(j)) }
        if j % 41 == 1 { model.cores[k].neurons[j].destination = .none }
      }
    }
    return model
  }

  /// Random destinations may point at unconfigured cores of the grid: send those to core 0.
  static func keepDestinationsInside(_ model: Model) -> Model {
    var m = model
    let configured = Set(m.cores.map { [$0.x, $0.y] })
    for k in m.cores.indices {
      let (x, y) = (m.cores[k].x, m.cores[k].y)
      for j in m.cores[k].neurons.indices {
        if case .axon(let dx, let dy, let axon, let delay) = m.cores[k].neurons[j].destination,
          !configured.contains([x + Int(dx), y + Int(dy)])
        {
          m.cores[k].neurons[j].destination = .axon(dx: Int32(-x), dy: Int32(-y), axon: axon, delay: delay)
        }
      }
    }
    return m
  }

  static func inputs(_ model: Model, ticks: Int, seed: UInt64) -> [InputSpike] {
    var rng = SplitMix64(seed: seed)
    return (1..<ticks).flatMap { t in
      (0..<40).map { _ in
        let core = model.cores[rng.next(below: model.cores.count)]
        return InputSpike(tick: Int64(t), core: Int32(model.chip.coreID(x: core.x, y: core.y)), axon: Int32(rng.next(below: 256)))
      }
    }.sorted()
  }

  @Test(arguments: [(UInt64(1), false), (2, true), (3, true)])
  func ibmRoundTripIsExact(seed: UInt64, stochastic: Bool) throws {
    let model = try Self.ibmExpressible(seed: seed, stochastic: stochastic)
    #expect(model.violations().isEmpty)
    let bytes = try IBMModelFile.fileBytes(model)
    let back = try IBMModelFile.parse(bytes, file: "model.json", chip: model.chip)
    #expect(back == model)
    #expect(try IBMModelFile.fileBytes(back) == bytes)
    let inputs = Self.inputs(model, ticks: 30, seed: seed)
    let before = try InteropFixtures.run(model, inputs: inputs, ticks: 40)
    #expect(before.count > 100)
    #expect(try InteropFixtures.run(back, inputs: inputs, ticks: 40) == before)
  }

  /// A deterministic model RANC can express: gamma 0 or 1, kappa = 0, or kappa = 1 with gamma 0
  /// and R = beta; pins, neurons without destination, delays 1...15.
  static func rancExpressible(seed: UInt64) throws -> Model {
    var model = try ibmExpressible(seed: seed, stochastic: false)
    model.seed = 1
    var rng = SplitMix64(seed: seed)
    for k in model.cores.indices {
      model.cores[k].seed = nil
      for j in model.cores[k].neurons.indices {
        var n = model.cores[k].neurons[j]
        // Values of the form 2^k - 1, so that the model is expressible in model.json too.
        let e = rng.next(below: 6)
        n.negativeThreshold = Int32((1 << e) - 1)
        switch rng.next(below: 3) {
        case 0:
          n.resetMode = .normal
          n.kappa = true
          n.resetPotential = n.negativeThreshold
        case 1:
          n.resetMode = .normal
          n.kappa = false
          n.resetPotential = Int32((1 << (e + 1 + rng.next(below: 3))) - 1)
        default:
          n.resetMode = .linear
          n.kappa = false
        }
        model.cores[k].neurons[j] = n
      }
    }
    return model
  }

  @Test(arguments: [UInt64(4), 5])
  func rancRoundTripIsExact(seed: UInt64) throws {
    let model = try Self.rancExpressible(seed: seed)
    #expect(model.violations().isEmpty)
    let inputs = Self.inputs(model, ticks: 30, seed: seed)
    let (input, configBytes) = try RANCModelFiles.export(model, inputs: inputs)
    let config = try RANCModelFiles.parseConfig(configBytes, file: "config.json", chip: model.chip)
    let (back, packets) = try RANCModelFiles.parse(input: input, file: "input.json", config: config, chip: model.chip)
    #expect(back == model)
    #expect(packets.records == inputs)
    let before = try InteropFixtures.run(model, inputs: inputs, ticks: 40)
    #expect(before.count > 100)
    #expect(try InteropFixtures.run(back, inputs: packets.records, ticks: 40) == before)
  }

  /// kappa = 0, gamma 0, R = beta has no RANC form of its own: it comes back as kappa = 1, which
  /// behaves the same (saturating at -beta equals resetting to -R).
  @Test func rancCanonicalKappaBehavesTheSame() throws {
    var model = try Self.rancExpressible(seed: 6)
    for k in model.cores.indices {
      for j in model.cores[k].neurons.indices where j % 2 == 0 {
        model.cores[k].neurons[j].resetMode = .normal
        model.cores[k].neurons[j].kappa = false
        model.cores[k].neurons[j].negativeThreshold = 3
        model.cores[k].neurons[j].resetPotential = 3
      }
    }
    let (input, configBytes) = try RANCModelFiles.export(model)
    let config = try RANCModelFiles.parseConfig(configBytes, file: "config.json", chip: model.chip)
    let back = try RANCModelFiles.parse(input: input, file: "input.json", config: config, chip: model.chip).0
    #expect(back != model)
    #expect(back.cores[0].neurons[0].kappa)
    let inputs = Self.inputs(model, ticks: 30, seed: 6)
    let before = try InteropFixtures.run(model, inputs: inputs, ticks: 40)
    #expect(before.count > 100)
    #expect(try InteropFixtures.run(back, inputs: inputs, ticks: 40) == before)
  }

  @Test func spikeFilesRoundTripThroughEveryWriter() throws {
    let inputs = [InputSpike(tick: 1, core: 0, axon: 0), InputSpike(tick: 1, core: 4095, axon: 255), InputSpike(tick: 70000, core: 17, axon: 3)]
    for name in ["i.sfti", "i.sfri"] {
      let p = InteropFixtures.temporary(name)
      defer { try? FileManager.default.removeItem(atPath: p) }
      let sink = try SpikeFormat.createInput(p)
      for s in inputs { try sink.write(s) }
      try sink.close()
      var source = try SpikeFormat.openInput(p)
      #expect(try source.readAll() == inputs)
    }
    let outputs = [OutputSpike(tick: 0, core: 3, neuron: 255, pin: 7), OutputSpike(tick: 2, core: 0, neuron: 0, pin: -1),
      OutputSpike(tick: 5, core: 9, neuron: 1, pin: 0)]
    let p = InteropFixtures.temporary("o.sfro")
    defer { try? FileManager.default.removeItem(atPath: p) }
    let sink = try SpikeFormat.createOutput(p)
    for s in outputs { try sink.write(s) }
    try sink.close()
    var source = try SpikeFormat.openOutput(p)
    #expect(try source.readAll() == outputs)

    let text = try RANCOutputFile.bytes(outputs, ticks: 7, outputs: 8)
    #expect(text.count == 3 + 7 * 17)
    let t = InteropFixtures.write(text, "o.txt")
    defer { try? FileManager.default.removeItem(atPath: t) }
    var ranc = try SpikeFormat.openOutput(t)
    #expect(try ranc.readAll() == [OutputSpike(tick: 0, core: -1, neuron: -1, pin: 7), OutputSpike(tick: 5, core: -1, neuron: -1, pin: 0)])
  }

  @Test func conversionCommandPathsRoundTrip() throws {
    let model = try Self.rancExpressible(seed: 7)
    let dir = InteropFixtures.temporary("convert")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try model.save(to: dir + "/m.json")
    var request = ConversionRequest(input: dir + "/m.json", output: dir + "/ibm.json")
    request.chip = chipdefPath("tiny")
    request.to = .model(.ibm)
    _ = try Conversion.run(request)
    request = ConversionRequest(input: dir + "/ibm.json", output: dir + "/back.json")
    request.chip = chipdefPath("tiny")
    _ = try Conversion.run(request)
    request = ConversionRequest(input: dir + "/back.json", output: dir + "/input.json")
    request.to = .model(.ranc)
    request.chip = chipdefPath("tiny")
    _ = try Conversion.run(request)
    request = ConversionRequest(input: dir + "/input.json", output: dir + "/again.json")
    request.chip = chipdefPath("tiny")
    _ = try Conversion.run(request)
    var again = try Model.load(path: dir + "/again.json", chip: model.chip)
    again.chipReference = model.chipReference
    #expect(again == model)
  }
}
