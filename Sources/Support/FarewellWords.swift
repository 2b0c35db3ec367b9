import GoodwillCore
import Reminders

/// The farewell's list of "what we did with your vouchers", one line per voucher, in the holder's
/// language. The letter around it is an editable template (Policies/messages/<lang>/farewell.txt).
enum FarewellWords {
    static func line(_ o: VoucherOutcome, language l: MessageLanguage, payoutReference: String?) -> String? {
        let amount = MoneyWords.format(o.balance, in: l)
        let day = o.lastValidDay.flatMap(LocalDate.init(iso:)).map(l.longDate) ?? ""
        let code = o.code
        switch o.action {
        case "refunded":
            let ref = payoutReference.map { r -> String in
                switch l {
                case .en: return " (reference \(r))"
                case .sv: return " (referens \(r))"
                case .da, .nb: return " (reference \(r))"
                case .fi: return " (viite \(r))"
                }
            } ?? ""
            switch l {
            case .en: return "• \(code): we have paid back the \(amount) that was left\(ref)."
            case .sv: return "• \(code): vi har betalat tillbaka de \(amount) som fanns kvar\(ref)."
            case .da: return "• \(code): vi har betalt de \(amount), der var tilbage, tilbage til dig\(ref)."
            case .nb: return "• \(code): vi har betalt tilbake de \(amount) som var igjen\(ref)."
            case .fi: return "• \(code): olemme maksaneet takaisin jäljellä olleet \(amount)\(ref)."
            }
        case "kept":
            switch l {
            case .en: return "• \(code): \(amount) is left and it stays valid through \(day). Anyone with the code can still use it, so feel free to pass it on."
            case .sv: return "• \(code): \(amount) finns kvar och kortet gäller till och med \(day). Den som har koden kan fortfarande använda det, så ge gärna bort det."
            case .da: return "• \(code): der er \(amount) tilbage, og kortet gælder til og med \(day). Alle med koden kan stadig bruge det, så giv det gerne videre."
            case .nb: return "• \(code): det er \(amount) igjen, og kortet gjelder til og med \(day). Den som har koden kan fortsatt bruke det, så gi det gjerne videre."
            case .fi: return "• \(code): jäljellä on \(amount), ja kortti on voimassa \(day) asti. Kuka tahansa koodin haltija voi yhä käyttää sen, joten voit antaa sen eteenpäin."
            }
        case "expired":
            switch l {
            case .en: return "• \(code): it expired on \(day) with \(amount) unused."
            case .sv: return "• \(code): det gick ut den \(day) med \(amount) oanvänt."
            case .da: return "• \(code): det udløb den \(day) med \(amount) ubrugt."
            case .nb: return "• \(code): det gikk ut \(day) med \(amount) ubrukt."
            case .fi: return "• \(code): se vanheni \(day), ja käyttämättä jäi \(amount)."
            }
        case "blocked":
            switch l {
            case .en: return "• \(code): it is on hold while we look into something; we will be in touch about the \(amount) on it."
            case .sv: return "• \(code): det är spärrat medan vi utreder något; vi hör av oss om de \(amount) som finns på det."
            case .da: return "• \(code): det er spærret, mens vi undersøger noget; vi kontakter dig om de \(amount), der står på det."
            case .nb: return "• \(code): det er sperret mens vi undersøker noe; vi tar kontakt om de \(amount) som står på det."
            case .fi: return "• \(code): se on jäädytetty selvityksen ajaksi; otamme yhteyttä sillä olevista \(amount)."
            }
        default:
            return nil
        }
    }

    static func nothingToDo(_ l: MessageLanguage) -> String {
        switch l {
        case .en: return "• Every voucher of yours was used – we hope you enjoyed them as much as we did."
        case .sv: return "• Alla dina presentkort är använda – vi hoppas att du tyckte om dem lika mycket som vi."
        case .da: return "• Alle dine gavekort er brugt – vi håber, du nød dem lige så meget som os."
        case .nb: return "• Alle gavekortene dine er brukt – vi håper du likte dem like godt som oss."
        case .fi: return "• Kaikki lahjakorttisi on käytetty – toivottavasti nautit niistä yhtä paljon kuin me."
        }
    }
}
