"""The organizers' side of registration: the people coming to a festival day, invitations and exports."""
