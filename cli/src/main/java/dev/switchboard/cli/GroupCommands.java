package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sb groups ...}: create and manage groups (chat in one with {@code sb chat <group id>}). */
@Command(name = "groups", mixinStandardHelpOptions = true, description = "Create and manage groups.",
        subcommands = {GroupCommands.Create.class, GroupCommands.Add.class, GroupCommands.Remove.class,
                GroupCommands.Leave.class, GroupCommands.Info.class, GroupCommands.ListGroups.class})
final class GroupCommands implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a group; you are its admin.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;
        @Parameters(index = "0", paramLabel = "<subject>")
        String subject;
        @Parameters(index = "1..*", paramLabel = "<member>")
        List<String> members = List.of();

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                System.out.println("created " + c.createGroup(subject, members));
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add members (admins only).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;
        @Parameters(index = "0", paramLabel = "<group>")
        String group;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<member>")
        List<String> members;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                System.out.println("added " + c.addGroupMembers(group, members));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove members (admins only).")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;
        @Parameters(index = "0", paramLabel = "<group>")
        String group;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<member>")
        List<String> members;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                System.out.println("removed " + c.removeGroupMembers(group, members));
            }
            return 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a group.")
    static final class Leave implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;
        @Parameters(paramLabel = "<group>")
        String group;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                c.leaveGroup(group);
                System.out.println("left " + group);
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Subject, members and admins of a group.")
    static final class Info implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;
        @Parameters(paramLabel = "<group>")
        String group;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                Node i = c.groupInfo(group);
                System.out.println(group + " \"" + i.attr("subject") + "\", created by " + i.attr("creator"));
                System.out.println("members: " + i.attr("members"));
                System.out.println("admins:  " + i.attr("admins"));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The groups you are in.")
    static final class ListGroups implements Callable<Integer> {
        @ParentCommand
        GroupCommands groups;

        @Override
        public Integer call() throws Exception {
            try (SwitchboardClient c = groups.cli.connect()) {
                var mine = c.groups();
                if (mine.isEmpty()) {
                    System.out.println("you are in no group; 'sb groups create <subject> <user>...' makes one");
                }
                mine.forEach(System.out::println);
            }
            return 0;
        }
    }
}
