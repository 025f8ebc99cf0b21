import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// RAWO6 fields 3 and 4 are the destination the model gives each neuron, and an IBM model's
/// output-bus core survives import, export and the RAWO6 writer (issue 21).
@Suite struct InteropDestinationTests {
  /// The records of a RAWO6 file decoded as pytruenorth does, independently of tnsim's reader:
  /// skip to 0xFF, then six big-endian uint32 per spike, as Int32.
  static func records(_ path: String) throws -> [[Int32]] {
    let bytes = try readFile(path)
    let start = try #require(bytes.firstIndex(of: 0xFF)) + 1
    #expect((bytes.count - start) % 24 == 0)
    return stride(from: start, to: bytes.count, by: 24).map { o in
      (0..<6).map { f in Int32(bitPattern: bytes[(o + 4 * f)..<(o + 4 * f + 4)].reduce(0) { $0 << 8 | UInt32($1) }) }
    }
  }

  static func write(_ spikes: [OutputSpike], to path: String, model: Model?, outputBus: IBMOutputBus = IBMOutputBus()) throws {
    let sink = try SpikeFormat.createOutput(path, model: model, outputBus: outputBus)
    for s in spikes { try sink.write(s) }
    try sink.close()
  }

  @Test func spikesToAxonsCarryTheDestinationTheModelGives() throws {
    var options = Model.RandomOptions()
    options.cores = 3
    let model = Model.random(chip: try InteropFixtures.tiny(), seed: 11, options: options)
    let out = try InteropFixtures.run(model, inputs: [], ticks: 20, recordAll: true)
    try #require(out.count > 50)
    let path = InteropFixtures.temporary("all.sfro")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Self.write(out, to: path, model: model)
    let records = try Self.records(path)
    #expect(records.count == out.count)
    let chip = model.chip
    var toAxons = 0
    for (r, s) in zip(records, out) {
      #expect(Int64(r[0]) == s.tick && r[1] == s.core && r[2] == s.neuron && r[5] == 0)
      let (x, y) = chip.coordinates(ofCore: Int(s.core))
      let core = try #require(model.cores.first { $0.x == x && $0.y == y })
      switch core.neurons[Int(s.neuron)].destination {
      case .axon(let dx, let dy, let axon, _):
        #expect(r[3] == Int32(chip.coreID(x: x + Int(dx), y: y + Int(dy))) && r[4] == axon, "\(s): \(r)")
        toAxons += 1
      case .pin(let p): #expect(r[3] == -32 && r[4] == p, "\(s): \(r)")
      case .none: #expect(r[3] == -1 && r[4] == -1, "\(s): \(r)")
      }
    }
    #expect(toAxons > 50)
    // Without the model, a spike to no pin has no known destination.
    try Self.write(out, to: path, model: nil)
    #expect(try Self.records(path).allSatisfy { $0[3] == -1 && $0[4] == -1 || $0[3] == -32 })
    // tnsim reads its file back: field 3 >= 0 is an axon destination, so no pin.
    var back = try SpikeFormat.openOutput(path)
    #expect(try back.readAll() == out)
  }

  /// The tonic fixture with neuron 0 of core 0 sent to output-bus core `core`.
  static func tonic(busOfNeuron0 core: Int) throws -> String {
    let text = try String(contentsOfFile: PeerFixtures.path("ibm/tonic/model.json"), encoding: .utf8)
    guard let r = text.range(of: "\"destCore\": -32") else { throw InputError(file: "tonic", message: "no destCore -32") }
    let edited = text.replacingCharacters(in: r, with: "\"destCore\": \(core)")
    return InteropFixtures.write(Array(edited.utf8), "tonic-bus.json")
  }

  @Test(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"))
  func theOutputBusCoreOfAnIBMModelIsKept() throws {
    let chip = try PeerFixtures.truenorth()
    // The fixture as pytruenorth wrote it: every output on -32.
    let (plain, plainBus) = try IBMModelFile.loadKeepingOutputBus(path: PeerFixtures.path("ibm/tonic/model.json"), chip: chip)
    #expect(plainBus.isDefault)
    let text = String(decoding: try IBMModelFile.fileBytes(plain, outputBus: plainBus), as: UTF8.self)
    #expect(text.components(separatedBy: "\"destCore\": -32").count - 1 == 4)

    let path = try Self.tonic(busOfNeuron0: -5)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (model, bus) = try IBMModelFile.loadKeepingOutputBus(path: path, chip: chip)
    #expect(bus[core: 0, neuron: 0] == -5 && bus[core: 0, neuron: 1] == -32 && bus.cores.count == 1)
    #expect(model == plain, "the bus core is kept beside the model, not in it")
    // Export writes it back; the round trip keeps it.
    let bytes = try IBMModelFile.fileBytes(model, outputBus: bus)
    let (again, againBus) = try IBMModelFile.parseKeepingOutputBus(bytes, file: "again.json", chip: chip)
    #expect(again == model && againBus == bus)
    #expect(try IBMModelFile.fileBytes(again, outputBus: againBus) == bytes)
    // The RAWO6 writer puts it in field 3 of that neuron's spikes, -32 in the others'.
    var source = try SpikeFormat.openInput(PeerFixtures.path("ibm/tonic/spikes.sfri"))
    let out = try InteropFixtures.run(model, inputs: try source.readAll(), ticks: 40, recordAll: false)
    let sfro = InteropFixtures.temporary("bus.sfro")
    defer { try? FileManager.default.removeItem(atPath: sfro) }
    try Self.write(out, to: sfro, model: model, outputBus: bus)
    let records = try Self.records(sfro)
    #expect(records.count == out.count && records.count > 10)
    for r in records {
      #expect(r[3] == (r[1] == 0 && r[2] == 0 ? -5 : -32) && r[4] == (r[1] == 1 ? 123 : r[2]), "\(r)")
    }
    #expect(records.contains { $0[3] == -5 })
  }

  @Test(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"))
  func convertKeepsTheBusIBMToIBMAndSaysWhenATnsimModelCannot() throws {
    let path = try Self.tonic(busOfNeuron0: -7)
    let ibm = InteropFixtures.temporary("back.json"), tnsim = InteropFixtures.temporary("net.json")
    defer { for p in [path, ibm, tnsim] { try? FileManager.default.removeItem(atPath: p) } }
    var r = ConversionRequest(input: path, output: ibm)
    r.to = .model(.ibm)
    _ = try Conversion.run(r)
    let text = String(decoding: try readFile(ibm), as: UTF8.self)
    #expect(text.contains("\"destCore\": -7") && text.components(separatedBy: "\"destCore\": -32").count - 1 == 3)
    let line = try Conversion.run(ConversionRequest(input: path, output: tnsim))
    #expect(line.contains("output-bus core -7") && line.contains("does not keep"), "\(line)")
  }

  @Test func exportWritesTheOutputBusForPins() throws {
    var model = Model(chip: try InteropFixtures.tiny(), chipReference: "tiny", seed: 1)
    var core = model.emptyCore(x: 1, y: 0)
    core.neurons[3].destination = .pin(9)
    core.neurons[4].destination = .none
    model.cores.append(core)
    let text = String(decoding: try IBMModelFile.fileBytes(model), as: UTF8.self)
    #expect(text.contains("\"destCore\": -32, \"destAxon\": 9"), "a pin goes to the default output bus")
    #expect(text.contains("\"destCore\": -1, \"destAxon\": -1"), "no destination stays (-1, -1)")
    #expect(!text.contains("\"destCore\": -1, \"destAxon\": 9"))
    let (back, bus) = try IBMModelFile.parseKeepingOutputBus(Array(text.utf8), file: "m.json", chip: model.chip)
    #expect(back == model && bus.isDefault)
  }

  @Test(arguments: [("in.csv", "tick,core,axon\n1,0,3\n", "x.sfro", "tnsim run MODEL --input"),
                    ("out.csv", "tick,core,neuron,pin\n1,0,3,-1\n", "x.sfri", "cannot become input spikes")])
  func convertingBetweenSpikeKindsSaysWhatWorksInstead(_ input: String, _ content: String, _ output: String, _ hint: String) throws {
    let dir = InteropFixtures.temporary("kinds")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    FileManager.default.createFile(atPath: dir + "/" + input, contents: Data(content.utf8))
    do {
      _ = try Conversion.run(ConversionRequest(input: dir + "/" + input, output: dir + "/" + output))
      Issue.record("converted")
    } catch let e as InputError {
      #expect(e.file == dir + "/" + input && e.field == "format", "\(e)")
      #expect(e.description.contains(hint) && e.description.contains("holds"), "\(e)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [input], "nothing is written")
  }
}
