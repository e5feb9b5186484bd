/// What a status request needs to name a job at its provider. Venice's retrieve needs the model
/// as well as the id, and a Venice private model's file lives at the `download_url` given once
/// at submit, so the caller keeps these from the `ProviderSubmission`.
public struct ProviderJobHandle: Sendable, Equatable {
    public var providerJobID: String
    public var model: String
    public var downloadURL: String?
    /// The `paymentSource` the submit reported. NanoGPT's status omits it, yet its final `cost`
    /// is in that source's currency (XNO for an XNO-paid job): without it the cost reads as USD.
    public var paymentSource: PaymentSource?

    public init(providerJobID: String, model: String, downloadURL: String? = nil, paymentSource: PaymentSource? = nil) {
        self.providerJobID = providerJobID
        self.model = model
        self.downloadURL = downloadURL
        self.paymentSource = paymentSource
    }
}
