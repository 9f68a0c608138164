package pingan

// printMessages are the messages of printed orders: 交办单, 督办单, the case summary.
var printMessages = map[string][2]string{}
