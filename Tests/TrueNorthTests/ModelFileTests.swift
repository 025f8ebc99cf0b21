import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

@Suite struct ModelFileTests {
  static let tiny = try! ChipDefinition.load(path: chipdefPath("tiny"))

  static func parse(_ text: String) throws(InputError) -> Model {
    try Model.parse(Array(text.utf8), file: "m.json", chip: tiny).0
  }

  @Test func roundTripIsExact() throws {
    var options = Model.RandomOptions()
    options.stochastic = true
    var model = Model.random(chip: Self.tiny, seed: 21, options: options)
    model.cores[2].seed = 77
    model.cores[1].neurons[3].destination = .pin(12)
    model.cores[1].neurons[4].destination = .none
    model.chipReference = "tiny"
    let bytes = model.fileBytes()
    let back = try Model.parse(bytes, file: "m.json", chip: Self.tiny).0
    #expect(back == model)
    #expect(back.fileBytes() == bytes)
  }

  @Test func listFormSparseSynapsesAndDefaults() throws {
    let m = try Self.parse("""
      {"format": "tnsim-model", "version": 1, "chip": "tiny", "seed": 5,
       "cores": [{"x": 1, "y": 2, "axonTypes": 2, "synapses": [[0, 1], [255, 255]],
                  "neurons": [{"threshold": 4}, {"weights": [1, 2, 3, -4], "destination": {"pin": 3}},
                              {"destination": [1, -1, 7, 15], "resetMode": 1, "kappa": false}]}]}
      """)
    let c = m.cores[0]
    #expect((c.x, c.y) == (1, 2))
    #expect(c.axonTypes.allSatisfy { $0 == 2 })
    #expect(c.crossbar[0, 1] && c.crossbar[255, 255] && c.crossbar.synapseCount == 2)
    #expect(c.neurons[0].threshold == 4)
    #expect(c.neurons[1].weights == SIMD4(1, 2, 3, -4))
    #expect(c.neurons[1].destination == .pin(3))
    #expect(c.neurons[2].destination == .axon(dx: 1, dy: -1, axon: 7, delay: 15))
    #expect(c.neurons[2].resetMode == .linear && !c.neurons[2].kappa)
    #expect(c.neurons[3] == Neuron())
    #expect(m.seed == 5)
  }

  @Test func hexRowsAreNeuronZeroFirst() throws {
    var rows = Array(repeating: "\"" + String(repeating: "0", count: 64) + "\"", count: 256)
    rows[3] = "\"8" + String(repeating: "0", count: 62) + "1\""
    let m = try Self.parse("""
      {"format": "tnsim-model", "version": 1, "chip": "tiny", "cores": [{"x": 0, "y": 0, "crossbar": [\(rows.joined(separator: ","))]}]}
      """)
    #expect(m.cores[0].crossbar[3, 0])
    #expect(m.cores[0].crossbar[3, 255])
    #expect(m.cores[0].crossbar.synapseCount == 2)
  }

  static func core(_ body: String) -> String {
    "{\"format\": \"tnsim-model\", \"version\": 1, \"chip\": \"tiny\",\n \"cores\": [\n {\"x\": 0, \"y\": 0, \(body)}]}"
  }

  @Test(arguments: [
    ("{\"format\": \"tnsim-chip\"}", "format", "expected \"tnsim-model\""),
    ("{\"format\": \"tnsim-model\", \"version\": 2}", "version", "allowed: 1"),
    (core("\"neurons\": {\"treshold\": 1}"), "cores[0].neurons.treshold", "unknown field"),
    (core("\"neurons\": {\"leak\": [1, 2]}"), "cores[0].neurons.leak", "expected one value or an array of 256"),
    (core("\"neurons\": {\"leak\": 99999999999}"), "cores[0].neurons.leak", "out of range"),
    (core("\"neurons\": {\"leak\": 1.5}"), "cores[0].neurons.leak", "expected an integer"),
    (core("\"crossbar\": [\"00\"]"), "cores[0].crossbar", "expected 256 rows"),
    (core("\"synapses\": [[0, 256]]"), "cores[0].synapses[0]", "neuron 256 is out of range"),
    (core("\"neurons\": [{\"destination\": [1, 2, 3]}]"), "cores[0].neurons[0].destination", "expected 4 integers"),
    (core("\"neurons\": [{\"resetMode\": 3}]"), "cores[0].neurons[0].resetMode", "0 (normal), 1 (linear), 2 (none)"),
    (core("\"axonTypes\": [1, 2]"), "cores[0].axonTypes", "expected 256 integers"),
    ("{\"format\": \"tnsim-model\", \"version\": 1, \"chip\": \"tiny\"}", "", "missing the required field \"cores\""),
  ])
  func malformedFilesNameThePathAndField(text: String, path: String, message: String) {
    do {
      _ = try Self.parse(text)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.file == "m.json")
      #expect(error.path ?? "" == path, "\(error)")
      #expect(error.message.contains(message), "\(error)")
      #expect(error.line != nil)
    }
  }

  @Test func badHexRowsAreRejected() {
    for (row, message) in [("0" + String(repeating: "0", count: 62), "found 63"), (String(repeating: "0", count: 63) + "g", "invalid hex digit 'g'"),
                           (String(repeating: "0", count: 66), "found more")] {
      var rows = Array(repeating: "\"" + String(repeating: "0", count: 64) + "\"", count: 256)
      rows[9] = "\"" + row + "\""
      do {
        _ = try Self.parse(Self.core("\"crossbar\": [\(rows.joined(separator: ","))]"))
        Issue.record("accepted row \(row)")
      } catch {
        #expect(error.path == "cores[0].crossbar[9]")
        #expect(error.message.contains(message), "\(error)")
      }
    }
  }

  @Test func violationsNameCoreNeuronFieldAndAllowedValues() throws {
    var m = Model(chip: Self.tiny)
    var a = m.emptyCore(x: 0, y: 0)
    a.neurons[1].weights = SIMD4(0, 256, 0, 0)
    a.neurons[2].leak = -300
    a.neurons[3].threshold = 1 << 18
    a.neurons[4].destination = .axon(dx: 9, dy: 0, axon: 0, delay: 1)
    a.neurons[5].destination = .axon(dx: 2, dy: 0, axon: 0, delay: 1)
    a.neurons[6].destination = .axon(dx: 0, dy: 0, axon: 300, delay: 16)
    a.neurons[7].destination = .pin(5000)
    a.neurons[8].potential = 1 << 19
    a.neurons[9].thresholdMaskBits = 19
    a.axonTypes[10] = 4
    m.cores = [a, m.emptyCore(x: 0, y: 0), m.emptyCore(x: 4, y: 0)]
    let v = m.violations().map(\.description)
    let expected = [
      "core (0, 0) x: a second core at (0, 0); cores[0] is there already",
      "core (4, 0) x: core position (4, 0) is off the 4 x 4 grid of tiny",
      "core (0, 0) axon 10 axonTypes: type 4 is out of range; allowed: 0...3",
      "core (0, 0) neuron 1 weights: weight 256 for axon type 1 is out of range; allowed: -255...255",
      "core (0, 0) neuron 2 leak: value -300 is out of range; allowed: -255...255",
      "core (0, 0) neuron 3 threshold: value 262144 is out of range; allowed: 0...262143",
      "core (0, 0) neuron 4 destination: target core (9, 0) is off the 4 x 4 grid",
      "core (0, 0) neuron 5 destination: target core (2, 0) is not configured in the model",
      "core (0, 0) neuron 6 destination: axon 300 is out of range; allowed: 0...255",
      "core (0, 0) neuron 6 destination: delay 16 is out of range; allowed: 1...15",
      "core (0, 0) neuron 7 destination: output pin 5000 is out of range; allowed: 0...1023",
      "core (0, 0) neuron 8 potential: value 524288 is out of range; allowed: -524288...524287",
      "core (0, 0) neuron 9 thresholdMaskBits: value 19 is out of range; allowed: 0...18",
    ]
    #expect(v == expected)
    #expect(m.violations()[3].location == "cores[0].neurons.weights[1]")
    #expect(throws: SimulationError.modelDoesNotFit(m.violations()[0])) { try Simulator(model: m) }
  }

  @Test func chipDefinitionErrorsNameTheField() throws {
    var text = String(decoding: try readFile(chipdefPath("tiny")), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"maxDelay\": 15", with: "\"maxDelay\": 16")
    #expect(throws: InputError(file: "c.json", line: 17, path: "maxDelay", message: "value 16 is out of range; allowed: 1...15")) {
      try ChipDefinition.parse(Array(text.utf8), file: "c.json")
    }
    #expect(throws: InputError.self) { try ChipDefinition.resolve("no-such-chip") }
    #expect(try ChipDefinition.resolve("tiny", relativeTo: chipdefPath("tiny").replacingOccurrences(of: "/tiny.json", with: "")) == Self.tiny)
  }

  @Test func savedFilesAreWrittenAtomically() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.json").path
    let model = Model.random(chip: Self.tiny, seed: 2)
    try model.save(to: path)
    #expect(try Model.parse(try readFile(path), file: path, chip: Self.tiny).0 == model)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.json"])
  }
}
