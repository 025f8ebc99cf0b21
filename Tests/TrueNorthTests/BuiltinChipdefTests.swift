import Foundation
import Testing
@testable import TrueNorthIO
import TrueNorth

/// The chip definitions built into tnsim are the files of chipdefs/, byte for byte, and resolve
/// by name when no file is found.
@Suite struct BuiltinChipdefTests {
  static let chipdefs = #filePath.components(separatedBy: "/Tests/").first! + "/chipdefs"

  @Test func builtInCopiesAreTheFilesByteForByte() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.chipdefs).filter { $0.hasSuffix(".json") }.sorted()
    #expect(ChipDefinition.builtinNames.map { $0 + ".json" }.sorted() == files,
      "chipdefs/ and the built-in list differ: run `make` (chipdefs/builtin.sh)")
    for (name, json) in ChipDefinition.builtinFiles {
      let bytes = try #require(FileManager.default.contents(atPath: Self.chipdefs + "/\(name).json"))
      #expect(Array(json.utf8) == [UInt8](bytes), "built-in \(name) differs from chipdefs/\(name).json: run `make`")
      #expect(ChipDefinition.builtin(named: name) == (try ChipDefinition.load(path: Self.chipdefs + "/\(name).json")))
    }
  }

  @Test func anUnknownNameListsTheBuiltInNamesAndThePlacesTried() {
    do {
      _ = try ChipDefinition.resolve("tinny", relativeTo: "/models")
      Issue.record("resolved a chip that does not exist")
    } catch {
      #expect(error.description.contains("not built in (truenorth, ns1e, ns16e, tiny)"), "\(error)")
      #expect(error.description.contains("tried /models/tinny.json, chipdefs/tinny.json"), "\(error)")
      #expect(error.allowed?.contains("truenorth, ns1e, ns16e, tiny") == true)
    }
    #expect(ChipDefinition.builtin(named: "tinny") == nil)
  }
}
