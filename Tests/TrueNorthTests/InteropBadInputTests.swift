import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Truncated and malformed files of every interop format give one clear error naming the file,
/// the position and the field; export refuses what the target cannot express, naming core,
/// neuron and field.
@Suite struct InteropBadInputTests {
  static func golden(_ name: String) throws -> String { try String(contentsOfFile: InteropFixtures.path(name), encoding: .utf8) }

  /// The golden model.json with `old` (which must occur) replaced by `new`, parsed onto tiny.
  static func ibmError(_ old: String, _ new: String, occurrence: Int = 0) throws -> InputError? {
    let text = try golden("ibm/model.json")
    let parts = text.components(separatedBy: old)
    #expect(parts.count > occurrence + 1, "fixture lacks \(old)")
    let edited = parts[0...occurrence].joined(separator: old) + new + parts[(occurrence + 1)...].joined(separator: old)
    let chip = try InteropFixtures.tiny()
    do throws(InputError) {
      _ = try IBMModelFile.parse(Array(edited.utf8), file: "model.json", chip: chip)
      return nil
    } catch {
      return error
    }
  }

  @Test func hexRowWith31Bytes() throws {
    let e = try #require(try Self.ibmError("\"synapses\": \"C0 00", "\"synapses\": \"C0"))
    #expect(e.file == "model.json")
    #expect(e.line == 267)
    #expect(e.path == "core[0].crossbar.rows[0].synapses")
    #expect(e.message == "a crossbar row has 32 hex bytes (256 neurons), found 31")
  }

  @Test func undefinedNeuronType() throws {
    let e = try #require(try Self.ibmError("{\"type\": \"relay\", \"dendrite\": 0, \"destCore\": 1", "{\"type\": \"relya\", \"dendrite\": 0, \"destCore\": 1"))
    #expect(e.line == 10)
    #expect(e.path == "core[0].neurons[0].type")
    #expect(e.message.hasPrefix("the neuron type \"relya\" is not defined in \"neuronTypes\""))
  }

  @Test func duplicateCoreID() throws {
    let e = try #require(try Self.ibmError("\"core\": {\"id\": 5,", "\"core\": {\"id\": 1,"))
    #expect(e.path == "core[2].id")
    #expect(e.message.hasPrefix("duplicate core id 1: line "))
  }

  @Test func destinationOffTheGrid() throws {
    let e = try #require(try Self.ibmError("\"destCore\": 5, \"destAxon\": 255", "\"destCore\": 16, \"destAxon\": 255"))
    #expect(e.line == 12)
    #expect(e.path == "core[0].neurons[2].destCore")
    #expect(e.message.hasPrefix("destination core 16 is off the 4 x 4 grid of tiny"))
  }

  @Test func destinationToAnUnconfiguredCore() throws {
    let e = try #require(try Self.ibmError("\"destCore\": 5, \"destAxon\": 255", "\"destCore\": 6, \"destAxon\": 255"))
    #expect(e.line == 12)
    #expect(e.path == "core[0].neurons[2]")
    #expect(e.message.contains("target core (2, 1) is not configured"))
  }

  @Test func coreCountMismatchAndMissingSection() throws {
    let e = try #require(try Self.ibmError("\"coreCount\": 3", "\"coreCount\": 4"))
    #expect(e.path == "model.coreCount" && e.message == "says 4 cores; the file has 3 \"core\" sections")
    let m = try #require(try Self.ibmError("\"neuronTypes\"", "\"neuronTipes\""))
    #expect(m.path == "neuronTipes" && m.message.hasPrefix("unknown section"))
  }

  @Test func parameterOutOfTheChipRangeNamesTheType() throws {
    let e = try #require(try Self.ibmError("\"alpha\": 10", "\"alpha\": 300000"))
    #expect(e.line == 6)
    #expect(e.path == "neuronTypes[2] (type \"odd\", used by core[0].neurons[2])")
    #expect(e.message.hasPrefix("alpha: value 300000 is out of range"))
  }

  @Test func cutOffBinaryInputSpikes() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: InteropFixtures.path("ibm/input.sfri"))))
    bytes.removeLast(5)
    let p = InteropFixtures.write(bytes, "cut.sfri")
    defer { try? FileManager.default.removeItem(atPath: p) }
    let message = InteropFixtures.failure { _ = try SpikeFormat.openInput(p) }
    #expect(message == "\(p): record 4: truncated: 7 of 12 bytes at byte offset 129")
  }

  @Test func cutOffBinaryOutputSpikes() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: InteropFixtures.path("ibm/output.sfro"))))
    bytes.removeLast(1)
    let p = InteropFixtures.write(bytes, "cut.sfro")
    defer { try? FileManager.default.removeItem(atPath: p) }
    let message = InteropFixtures.failure { _ = try SpikeFormat.openOutput(p) }
    #expect(message == "\(p): record 3: truncated: 23 of 24 bytes at byte offset 113")
  }

  @Test func binaryHeaderWithoutMarker() throws {
    let p = InteropFixtures.write(Array("{\"class\":\"SpikeWriter\",\"encoding\":\"RAWI3\"}".utf8), "nomarker.sfri")
    defer { try? FileManager.default.removeItem(atPath: p) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openInput(p) }
      == "\(p): header: no 0xFF byte ends the header (truncated or not a RAWI3 file)")
  }

  @Test func malformedTextSpike() throws {
    let text = try Self.golden("ibm/input.sfti").replacingOccurrences(of: "\"destAxon\":255", with: "\"destAxon\":256")
    let p = InteropFixtures.write(Array(text.utf8), "bad.sfti")
    defer { try? FileManager.default.removeItem(atPath: p) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openInput(p) }
      == "\(p):5: spike.destAxon: value 256 is out of range; allowed: 0...255")
    let cut = try Self.golden("ibm/input.sfti").replacingOccurrences(of: "\"destAxon\":3}}", with: "\"destAxon\":3")
    let q = InteropFixtures.write(Array(cut.utf8), "cut.sfti")
    defer { try? FileManager.default.removeItem(atPath: q) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openInput(q) }.hasPrefix("\(q):6: invalid JSON at column"))
  }

  static func rancError(_ old: String, _ new: String, config: String? = nil) throws -> String {
    let text = try golden("ranc/input.json")
    #expect(text.contains(old), "fixture lacks \(old)")
    let p = InteropFixtures.write(Array(text.replacingOccurrences(of: old, with: new).utf8), "input.json")
    let configText = try config ?? golden("ranc/config.json")
    let c = InteropFixtures.write(Array(configText.utf8), "config.json")
    defer {
      try? FileManager.default.removeItem(atPath: p)
      try? FileManager.default.removeItem(atPath: c)
    }
    return InteropFixtures.failure { _ = try RANCModelFiles.load(input: p, config: c, chip: try InteropFixtures.tiny()) }
      .replacingOccurrences(of: p, with: "input.json").replacingOccurrences(of: c, with: "config.json")
  }

  @Test func rancDestinationOffTheGrid() throws {
    #expect(try Self.rancError("\"destination_core_offset\": [-1,-1]", "\"destination_core_offset\": [-2,-1]")
      == "input.json:33: cores[2].neurons[0].destination_core_offset: destination core (-1, 0) is off the 3 x 2 grid of config.json")
  }

  @Test func rancDuplicateCore() throws {
    #expect(try Self.rancError("\"coordinates\": [1,1]", "\"coordinates\": [1,0]").hasPrefix(
      "input.json:27: cores[2].coordinates: duplicate core (1, 0): line 20 has it already"))
  }

  @Test func rancUnsupportedResetMode() throws {
    #expect(try Self.rancError("\"reset_mode\": 1", "\"reset_mode\": 2")
      == "input.json:15: cores[0].neurons[1].reset_mode: value 2 is out of range; allowed: 0 (reset to R) or 1 (subtract the threshold)")
  }

  @Test func rancPositiveNegativeThreshold() throws {
    #expect(try Self.rancError("\"negative_threshold\": -3", "\"negative_threshold\": 3")
      == "input.json:15: cores[0].neurons[1].negative_threshold: core (0, 0) neuron 1: no tnsim neuron behaves like this RANC "
      + "neuron (V >= 3 spikes, else V < 3 gives V - 3): counting down from the positive threshold they first differ at "
      + "potential 2, where RANC gives -1 and the closest tnsim neuron (gamma 1, beta 0, kappa 0, R 2) gives 2")
  }

  @Test func rancMissingConfigKey() throws {
    let config = try Self.golden("ranc/config.json").replacingOccurrences(of: ", \"neuron_reset_type\": 0", with: "")
    #expect(try Self.rancError("\"num_outputs\": 2", "\"num_outputs\": 2", config: config) == "config.json:1: missing the required field \"neuron_reset_type\"")
  }

  @Test func rancOutputWithABadToken() throws {
    let p = InteropFixtures.write([0xEF, 0xBB, 0xBF] + Array("0 0 \n0 2 \n".utf8), "bad.txt")
    defer { try? FileManager.default.removeItem(atPath: p) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openOutput(p) } == "\(p):2: output 1: expected \"0\" or \"1\" at column 3")
    let q = InteropFixtures.write([0xEF, 0xBB, 0xBF] + Array("0 0 \n0 \n".utf8), "short.txt")
    defer { try? FileManager.default.removeItem(atPath: q) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openOutput(q) } == "\(q):2: 1 outputs; line 1 has 2")
    // Line k is tick k - 2, so line 1 (tick -1) is always zeros in RANC's files.
    let r = InteropFixtures.write([0xEF, 0xBB, 0xBF] + Array("0 1 \n0 0 \n".utf8), "early.txt")
    defer { try? FileManager.default.removeItem(atPath: r) }
    #expect(InteropFixtures.failure { _ = try SpikeFormat.openOutput(r) }
      == "\(r):1: output 1: a spike on line 1, which RANC always writes as zeros (it would be tick -1; line k is tick k - 2)")
  }

  // MARK: - Export refusals

  @Test func rancRefusesWhatItCannotExpress() throws {
    let chip = try InteropFixtures.tiny()
    var model = Model(chip: chip)
    model.cores = [model.emptyCore(x: 1, y: 2)]
    let cases: [(String, (inout Neuron) -> Void)] = [
      ("stochasticSynapses", { $0.stochasticSynapses = 2 }), ("stochasticLeak", { $0.stochasticLeak = true }),
      ("leakReversal", { $0.leakReversal = true }), ("thresholdMaskBits", { $0.thresholdMaskBits = 1 }),
      ("resetMode", { $0.resetMode = .none; $0.kappa = false }), ("kappa", { $0.negativeThreshold = 4 }),
    ]
    for (field, change) in cases {
      var m = model
      change(&m.cores[0].neurons[17])
      let message = InteropFixtures.failure { _ = try RANCModelFiles.export(m) }
      #expect(message.hasPrefix("cannot export to RANC: core (1, 2) neuron 17 \(field): "), "\(message)")
    }
    let offGrid = InteropFixtures.failure { _ = try RANCModelFiles.export(model, inputs: [InputSpike(tick: 0, core: 99, axon: 1)]) }
    #expect(offGrid.hasPrefix("cannot export to RANC: core: an input spike to core 99, which is off the grid"), "\(offGrid)")
  }

  @Test func ibmRefusesAResetPotentialNotOfTheForm() throws {
    let chip = try InteropFixtures.tiny()
    var model = Model(chip: chip)
    model.cores = [model.emptyCore(x: 3, y: 0)]
    model.cores[0].neurons[200].resetPotential = -5
    #expect(InteropFixtures.failure { _ = try IBMModelFile.fileBytes(model) }
      == "cannot export to IBM model.json: core (3, 0) neuron 200 resetPotential: -5 is not of the form sigma_VR * (2^VR - 1) (0, ±1, ±3, ±7, ±15, ...)")
    model.cores[0].neurons[200].resetPotential = -7
    #expect(InteropFixtures.failure { _ = try IBMModelFile.fileBytes(model) } == "")
    #expect(InteropFixtures.failure { _ = try IBMSpikeFile.textInputBytes([InputSpike(tick: 0, core: 1, axon: 2)]) }.hasPrefix(
      "cannot export to IBM spike file: tick: an input spike for tick 0 (core 1, axon 2)"))
  }
}
