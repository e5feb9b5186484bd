/// What a status request needs to name a job at its provider. Venice's retrieve needs the model
/// as well as the id, and a Venice private model's file lives at the `download_url` given once
/// at submit, so the caller keeps all three from the `ProviderSubmission`.
public struct ProviderJobHandle: Sendable, Equatable {
    public var providerJobID: String
    public var model: String
    public var downloadURL: String?

    public init(providerJobID: String, model: String, downloadURL: String? = nil) {
        self.providerJobID = providerJobID
        self.model = model
        self.downloadURL = downloadURL
    }
}
