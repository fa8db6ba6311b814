package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/** Who a message is for: the devices of its recipient, or of every member of its group. */
final class Recipients {

    private Recipients() {
    }

    /** The sender is not in the group it wrote to. */
    static final class NotAMember extends Exception {
        private static final long serialVersionUID = 1L;

        NotAMember() {
            super(null, null, false, false);
        }
    }

    /** Every device of every member, except the sending device itself. */
    static List<Address> ofGroup(AccountService accounts, GroupDirectory groups, String group, Address from)
            throws AccountException, StoreException, NotAMember {
        List<String> members = groups.members(group).orElseThrow(() -> new IllegalArgumentException("no such group: " + group));
        if (!members.contains(from.user())) {
            throw new NotAMember();
        }
        List<Address> devices = new ArrayList<>(members.size() * 2);
        for (String member : members) {
            for (DeviceRecord d : accounts.devices(member)) {
                if (!d.address().equals(from)) {
                    devices.add(d.address());
                }
            }
        }
        return devices;
    }

    /** The devices a direct message goes to: every device of the account, or the one device named. */
    static List<Address> of(AccountService accounts, String to) throws AccountException {
        if (to == null) {
            throw new IllegalArgumentException("'to' is missing");
        }
        Address addressed = to.indexOf('/') < 0 ? null : Address.parse(to);
        String user = addressed == null ? to : addressed.user();
        if (!Address.isUserId(user)) {
            throw new IllegalArgumentException("'to' must be a user id or user/device");
        }
        List<Address> devices = new ArrayList<>();
        for (DeviceRecord d : accounts.devices(user)) {
            if (addressed == null || d.address().equals(addressed)) {
                devices.add(d.address());
            }
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no such user or device: " + to);
        }
        return devices;
    }
}
