import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Every file writer against the bytes the writers wrote before they shared one JSON writer and
/// one format table (recorded as length and FNV-1a digest): model files, IBM and RANC models,
/// and every spike format.
@Suite struct GoldenBytesTests {
  /// FNV-1a, 64 bits: enough to tell any changed byte.
  static func digest(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }

  static func expect(_ bytes: [UInt8], _ length: Int, _ digest: UInt64, _ what: String) {
    #expect(bytes.count == length, "\(what): \(bytes.count) bytes")
    #expect(Self.digest(bytes) == digest, "\(what): digest 0x\(String(Self.digest(bytes), radix: 16))")
  }

  /// `tnsim generate random --chip tiny --seed S --cores 3 ...`.
  static func generated(seed: UInt64, stochastic: Bool) throws -> Model {
    var options = Model.RandomOptions()
    options.cores = 3
    options.stochastic = stochastic
    if !stochastic { options.synapsesPerNeuron = 20 }
    var model = Model.random(chip: try InteropFixtures.tiny(), seed: seed, options: options)
    model.chipReference = "tiny"
    return model
  }

  @Test func modelFilesAndIBMExportAreUnchanged() throws {
    let plain = try Self.generated(seed: 5, stochastic: false)
    Self.expect(plain.fileBytes(), 67403, 0x1351_7ef3_9708_0505, "plain model")
    Self.expect(try Self.generated(seed: 3, stochastic: true).fileBytes(), 117_273, 0x2b42_b760_3ea7_e659, "stochastic model")
    Self.expect(try IBMModelFile.fileBytes(plain), 175_437, 0x6253_4790_9de8_1b58, "IBM export")
    let (imported, bus) = try IBMModelFile.loadKeepingOutputBus(
      path: InteropFixtures.path("ibm/model.json"), chip: try InteropFixtures.tiny(), chipReference: "tiny")
    Self.expect(imported.fileBytes(), 81387, 0xf260_44ff_6fd0_3929, "IBM import as a model file")
    // Re-recorded for issue 21: pins are written on the output-bus core the file states (here
    // -1 for pin 4 and -32 for pin 9), where every pin was written -1 before.
    Self.expect(try IBMModelFile.fileBytes(imported, outputBus: bus), 159_617, 0x0d11_3e4d_68eb_77d5, "IBM re-export")
  }

  @Test func rancExportIsUnchanged() throws {
    let (model, _) = try RANCModelFiles.load(input: InteropFixtures.path("ranc/input.json"),
      config: InteropFixtures.path("ranc/config.json"), chip: try InteropFixtures.tiny(), chipReference: "tiny")
    Self.expect(model.fileBytes(), 69108, 0x510d_fad6_42fa_b4da, "RANC import as a model file")
    var source = try SpikeFormat.openInput(InteropFixtures.path("ibm/input.sfti"))
    let (input, config) = try RANCModelFiles.export(model, inputs: try source.readAll())
    // Re-recorded for the corrected tick mapping (packets[t] holds tick t; issue 14, docs/interop.md).
    Self.expect(input, 183_240, 0xfa1b_032e_421b_d0ac, "RANC input.json")
    Self.expect(config, 245, 0x574f_7f10_5bf7_ef73, "RANC config.json")
  }

  /// Writes `spikes` through the format table and returns the file's bytes.
  static func written<R: SpikeRecord>(_ spikes: [R], _ format: SpikeFormat, ticks: Int? = nil) throws -> [UInt8] {
    let path = InteropFixtures.temporary("golden." + (format.extensions.first ?? "out"))
    defer { try? FileManager.default.removeItem(atPath: path) }
    if let inputs = spikes as? [InputSpike] {
      let sink = try format.inputWriter(path: path)
      for s in inputs { try sink.write(s) }
      try sink.close()
    } else if let outputs = spikes as? [OutputSpike] {
      let sink = try format.outputWriter(path: path, ticks: ticks)
      for s in outputs { try sink.write(s) }
      try sink.close()
    }
    return try readFile(path)
  }

  @Test func everySpikeWriterIsUnchanged() throws {
    var inputSource = try SpikeFormat.openInput(InteropFixtures.path("ibm/input.sfti"))
    let inputs = try inputSource.readAll()
    var outputSource = try SpikeFormat.openOutput(InteropFixtures.path("ibm/output.sfro"))
    let outputs = try outputSource.readAll()
    Self.expect(try Self.written(inputs, .sfti), 319, 0x6aba_ecf9_a6dc_d0f1, "sfti")
    Self.expect(try Self.written(inputs, .sfri), 141, 0x9b69_7e53_740b_76b3, "sfri")
    Self.expect(try Self.written(inputs, .csv), 42, 0x9054_b8ad_6efa_fb99, "input csv")
    Self.expect(try Self.written(inputs, .tnspk), 64, 0xac52_9782_72dc_8c57, "input tnspk")
    // Re-recorded for RAWO6 in NSCS's layout (issue 21): the header's "tnsimLayout":2 (16 bytes)
    // and records (tick, core, neuron, -32, pin, 0), was (tick, 0, 0, core, neuron, pin).
    Self.expect(try Self.written(outputs, .sfro), 153, 0xd7c1_281a_091b_7093, "sfro")
    // Re-recorded for the corrected tick mapping (line k holds tick k - 2; issue 14).
    Self.expect(try Self.written(outputs, .rancOutput, ticks: 12), 255, 0x7f28_7df5_960a_acd7, "RANC output")
    Self.expect(try Self.written(outputs, .csv), 46, 0x8355_affa_8ae5_9672, "output csv")
    Self.expect(try Self.written(outputs, .tnspk), 64, 0x45c5_a72f_c512_dcb6, "output tnspk")
  }
}
