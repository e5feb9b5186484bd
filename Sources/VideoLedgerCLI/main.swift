print("videoledger")
